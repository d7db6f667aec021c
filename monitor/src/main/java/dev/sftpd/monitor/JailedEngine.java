// The monitor's side of an engine in a ChrootDirectory: user and group names by id, and its log lines, which the jail cannot give or take.
package dev.sftpd.monitor;

import dev.sftpd.log.SshLog;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.MonitorCalls.NameKind;
import dev.sftpd.privsep.MonitorMessage;
import dev.sftpd.privsep.MonitorProtocolException;
import dev.sftpd.privsep.Packets;
import dev.sftpd.sftp.NssAccounts;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.EOFException;
import java.util.Optional;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * One thread per chrooted engine, for the engine's life: NAME_QUERY answered with NAME_REPLY, LOG
 * logged, nothing else accepted. What it reveals is what getpwuid and getgrgid tell any local
 * user, so that {@code ls -l} in the jail shows names as it does outside; the log lines reach
 * syslog without a /dev/log in the jail.
 */
public final class JailedEngine {
    private static final SshLog log = SshLog.get(JailedEngine.class);
    /** getpwuid and getgrgid return static storage: one lookup at a time in the monitor. */
    private static final Object NSS = new Object();
    private static final NssAccounts ACCOUNTS = new NssAccounts();

    private JailedEngine() {}

    /** Answers on {@code channel} until the engine closes it or breaks the protocol; then closes it. */
    public static void serve(Fd channel, int enginePid) {
        Thread thread = new Thread(() -> {
            try (channel) {
                while (true) {
                    answer(channel.fd());
                }
            } catch (EOFException e) {
                // The engine ended.
            } catch (MonitorProtocolException | SysCallException e) {
                log.error("monitor: engine %d: %s; no more names or log lines from it", enginePid, e.getMessage());
            }
        }, "jailed-engine-" + enginePid);
        thread.setDaemon(true);
        thread.start();
    }

    private static void answer(int fd) throws EOFException, MonitorProtocolException, SysCallException {
        Buffer query = Packets.read(fd);
        MonitorMessage type = MonitorMessage.of(query.getUByte());
        if (type == MonitorMessage.LOG) {
            MonitorSession.relayLog(query, "");
            return;
        }
        if (type != MonitorMessage.NAME_QUERY) {
            throw new MonitorProtocolException("only NAME_QUERY and LOG may follow ENGINE_ASSIGN");
        }
        record Query(int kind, int id) {}
        Query q = Packets.parse(query, p -> new Query(p.getUByte(), p.getInt()));
        if (q.kind() >= NameKind.values().length) {
            throw new MonitorProtocolException("NAME_QUERY of unknown kind " + q.kind());
        }
        Optional<String> name;
        synchronized (NSS) {
            name = NameKind.values()[q.kind()] == NameKind.USER ? ACCOUNTS.userName(q.id())
                    : ACCOUNTS.groupName(q.id());
        }
        Buffer reply = Packets.payload(MonitorMessage.NAME_REPLY);
        reply.putBoolean(name.isPresent());
        reply.putString(name.orElse(""));
        Packets.write(fd, reply);
    }
}
