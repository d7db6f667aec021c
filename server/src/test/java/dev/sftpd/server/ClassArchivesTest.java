// Which of a training run's loaded classes go into a kind's archive.
package dev.sftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sftpd.server.ClassArchives.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
