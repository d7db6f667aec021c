// Which of a training run's loaded classes go into a kind's archive.
package dev.sftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.sftpd.server.ClassArchives.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassArchivesTest {
    @Test
    void theTransportsListKeepsItsOwnLibrariesAndJdkClassesWithLambdaProxies() {
        List<String> loaded = List.of(
                "# NOTE: Do not modify this file.",
                "java/lang/Object id: 0",
                "dev/sftpd/transport/TransportMain id: 1",
                "org/apache/sshd/server/SshServer id: 2",
                "@lambda-proxy dev/sftpd/transport/TransportServer run ()Ljava/lang/Runnable;",
                "@lambda-form-invoker [LF_RESOLVE] java.lang.invoke.DirectMethodHandle$Holder invokeStatic L_V");

        assertEquals(loaded.subList(1, loaded.size()), ClassArchives.classList(loaded, Kind.TRANSPORT));
    }

    @Test
    void trainingsOwnClassesTheClientAndClassesFromOtherLoadersStayOut() {
        List<String> loaded = List.of(
                "dev/sftpd/server/training/TransportTraining id: 3",
                "@lambda-proxy dev/sftpd/server/training/TransportTraining run ()Ljava/lang/Runnable;",
                "org/apache/sshd/client/SshClient id: 4",
                "jdk/proxy1/$Proxy5 id: 5 super: 0 interfaces: 6 source: __JVM_DefineClass__",
                "java/util/HashMap id: 7");

        assertEquals(List.of("java/util/HashMap id: 7"), ClassArchives.classList(loaded, Kind.TRANSPORT));
    }

    @Test
    void anEnginesListDropsOnlyTraining() {
        List<String> loaded = List.of(
                "dev/sftpd/server/training/EngineTraining$Client id: 1",
                "org/apache/sshd/client/SshClient id: 2",
                "dev/sftpd/engine/EngineMain id: 3");

        assertEquals(loaded.subList(1, 3), ClassArchives.classList(loaded, Kind.ENGINE));
    }

    /**
     * A JDK upgraded under a running daemon: the daemon's own JVM is still the old one, but the
     * processes it spawns run the new JVM, which refuses an archive the old one made.
     */
    @Test
    void anArchiveIsNamedForTheJdkOnDiskSoThatAnUpgradedJvmGetsItsOwn(@TempDir Path dir) throws IOException {
        Path javaHome = Files.createDirectories(dir.resolve("jdk"));
        Path jvm = Files.createDirectories(javaHome.resolve("lib/server")).resolve("libjvm.so");
        Files.writeString(jvm, "JVM build 1");
        Files.writeString(javaHome.resolve("lib/modules"), "classes");
        Path jar = Files.writeString(dir.resolve("server-transport.jar"), "jar");
        List<String> classPath = List.of(jar.toString());

        Path before = ClassArchives.archive(Kind.TRANSPORT, javaHome, classPath).orElseThrow();
        assertEquals(before, ClassArchives.archive(Kind.TRANSPORT, javaHome, classPath).orElseThrow());

        Files.writeString(jvm, "JVM build 2, longer");
        Files.setLastModifiedTime(jvm, FileTime.fromMillis(Files.getLastModifiedTime(jvm).toMillis() + 60_000));
        Path after = ClassArchives.archive(Kind.TRANSPORT, javaHome, classPath).orElseThrow();

        assertNotEquals(before, after);
        assertEquals(ClassArchives.DIR, after.getParent());
        assertNotEquals(ClassArchives.archive(Kind.ENGINE, javaHome, classPath).orElseThrow(), after);
    }
}
