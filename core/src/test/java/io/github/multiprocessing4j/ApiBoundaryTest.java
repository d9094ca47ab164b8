package io.github.multiprocessing4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiprocessing4j.spi.Codec;
import java.io.IOException;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API is small and does not leak: no public or protected member of an exported class
 * mentions a type from an {@code internal} package.
 */
class ApiBoundaryTest {

    static final List<String> EXPORTED = List.of("io.github.multiprocessing4j", "io.github.multiprocessing4j.spi",
            "io.github.multiprocessing4j.manager");

    @Test
    void publicSignaturesUseOnlyPublicTypes() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : exportedClasses()) {
            if (!Modifier.isPublic(type.getModifiers())) {
                continue;
            }
            List<Executable> members = new ArrayList<>(List.of(type.getDeclaredConstructors()));
            members.addAll(List.of(type.getDeclaredMethods()));
            for (Executable member : members) {
                int modifiers = member.getModifiers();
                if (!Modifier.isPublic(modifiers) && !Modifier.isProtected(modifiers) || member.isSynthetic()) {
                    continue;
                }
                List<Type> mentioned = new ArrayList<>(List.of(member.getGenericParameterTypes()));
                mentioned.addAll(List.of(member.getGenericExceptionTypes()));
                if (member instanceof Method method) {
                    mentioned.add(method.getGenericReturnType());
                }
                for (Type t : mentioned) {
                    if (t.getTypeName().contains(".internal.")) {
                        leaks.add(type.getName() + "." + member.getName() + " mentions " + t.getTypeName());
                    }
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    @Test
    void theModuleExportsOnlyTheApi() throws Exception {
        String descriptor = Files.readString(sourceRoot().resolve("module-info.java"));
        assertThat(descriptor.lines().map(String::trim).filter(line -> line.startsWith("exports")))
                .containsExactly("exports io.github.multiprocessing4j;", "exports io.github.multiprocessing4j.spi;",
                        "exports io.github.multiprocessing4j.manager;");
        assertThat(Codec.class.getPackageName()).isEqualTo(EXPORTED.get(1));
    }

    static Path sourceRoot() throws URISyntaxException {
        // target/test-classes -> core/src/main/java
        Path testClasses = Path.of(ApiBoundaryTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return testClasses.getParent().getParent().resolve("src/main/java");
    }

    static List<Class<?>> exportedClasses() throws IOException, ClassNotFoundException, URISyntaxException {
        Path classes = Path.of(Multiprocessing.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> found = new ArrayList<>();
        for (String pkg : EXPORTED) {
            Path dir = classes.resolve(pkg.replace('.', '/'));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    String simple = file.getFileName().toString().replace(".class", "");
                    if (!simple.equals("package-info") && !simple.equals("module-info")) {
                        found.add(Class.forName(pkg + "." + simple.replace('/', '.'), false,
                                ApiBoundaryTest.class.getClassLoader()));
                    }
                }
            }
        }
        assertThat(found).isNotEmpty();
        return found;
    }
}
