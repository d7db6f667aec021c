// A worker that breaks the monitor protocol as the file "worker-script" in its working directory says, else the real one.
package dev.sftpd.server.it;

import dev.sftpd.privsep.MonitorCalls;
import dev.sftpd.privsep.Packets;
import dev.sftpd.privsep.Sockets;
import dev.sftpd.worker.WorkerMain;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * The daemon runs it as its workers' main class (system property sftpd.worker.main) for
 * MonitorProtocolIT. The workers inherit the daemon's working directory, the test's scratch
 * directory, where the test writes the script before it connects and removes it to get the real
 * worker back. After misbehaving it waits: only the monitor's SIGKILL may end it.
 */
public final class ScriptedWorker {
    static final String SCRIPT = "worker-script";

    /** Each misbehaviour, with what the monitor's log line about it must say. */
    enum Script {
        /** A packet_length of 65540: aligned, but over the 65536 limit. */
        OVERSIZED_PACKET("bad packet length 65540"),
        /** A well-framed packet whose type byte (0xEE) no message has. */
        UNKNOWN_TYPE("unknown type"),
        /** AUTH_CONTEXT for root, though the monitor authenticated nobody. */
        FALSE_AUTH_CONTEXT("AUTH_CONTEXT for \"root\""),
        /** A key exchange announced, then 20 bytes to sign: no exchange hash is that short. */
        SIGN_NON_HASH("refused to sign 20 bytes");

        final String violation;

        Script(String violation) {
            this.violation = violation;
        }
    }

    private ScriptedWorker() {}

    public static void main(String[] args) throws Exception {
        Path script = Path.of(SCRIPT);
        if (!Files.exists(script)) {
            WorkerMain.main(args);
            return;
        }
        MonitorCalls monitor = new MonitorCalls(MonitorCalls.CHANNEL_FD);
        MonitorCalls.Hello hello = monitor.hello();
        switch (Script.valueOf(Files.readString(script).strip())) {
            case OVERSIZED_PACKET -> {
                byte[] header = {0, 1, 0, 4, 4};
                Sockets.writeFully(MonitorCalls.CHANNEL_FD, header, 0, header.length);
            }
            case UNKNOWN_TYPE -> Packets.write(MonitorCalls.CHANNEL_FD, new ByteArrayBuffer(new byte[] {(byte) 0xEE}));
            case FALSE_AUTH_CONTEXT -> monitor.authContext("root");
            case SIGN_NON_HASH -> monitor.sign("ssh-ed25519", hello.hostKeyBlobs().get(0), new byte[20]);
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
