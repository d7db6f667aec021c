// Hands each test, and the @BeforeEach methods run for it, one fresh Sandbox, deleted when the test ends.
package dev.sftpd.sftp.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Store.CloseableResource;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

final class Sandboxes implements ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(Sandboxes.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Sandbox.class;
    }

    @Override
    public Sandbox resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NAMESPACE).getOrComputeIfAbsent("sandbox", key -> create(), Owned.class).sandbox();
    }

    private static Owned create() {
        try {
            return new Owned(Sandbox.in(Files.createTempDirectory("sftpd-e2e-")));
        } catch (IOException e) {
            throw new ParameterResolutionException("cannot create a sandbox", e);
        }
    }

    /** The store closes it after the test: the whole tree goes, symlinks removed rather than followed. */
    private record Owned(Sandbox sandbox) implements CloseableResource {
        @Override
        public void close() throws IOException {
            try (Stream<Path> paths = Files.walk(sandbox.root())) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }
}
