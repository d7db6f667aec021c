// The monitor's side of an engine's channel after ENGINE_ASSIGN: names and log lines for a jailed engine, audit reports with AuditLog.
package dev.sftpd.monitor;

import dev.sftpd.log.SshLog;
import dev.sftpd.monitor.audit.SessionAudit;
import dev.sftpd.privsep.AuditBatch;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.MonitorCalls.NameKind;
import dev.sftpd.privsep.MonitorMessage;
import dev.sftpd.privsep.MonitorProtocolException;
import dev.sftpd.privsep.Packets;
import dev.sftpd.sftp.NssAccounts;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.EOFException;
import java.util.Optional;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.sshd.common.util.buffer.Buffer;

/**
 * One thread per engine whose channel stays open, for the engine's life. An engine in a
 * ChrootDirectory may ask NAME_QUERY (answered with NAME_REPLY) and send LOG: what getpwuid and
 * getgrgid tell any local user, so that {@code ls -l} in the jail shows names as it does outside,
 * and log lines that reach syslog without a /dev/log in the jail. With AuditLog every engine sends
 * AUDIT, its batches of operation reports, which the session's trail stamps and writes. Anything
 * else, or a message this engine has no business sending, ends the channel.
 */
public final class EngineChannel {
    private static final SshLog log = SshLog.get(EngineChannel.class);
    /** getpwuid and getgrgid return static storage: one lookup at a time in the monitor. */
    private static final Object NSS = new Object();
    private static final NssAccounts ACCOUNTS = new NssAccounts();

    private EngineChannel() {}

    /**
     * Answers on {@code channel} until the engine closes it or breaks the protocol; then closes it.
     *
     * @param jailed whether the engine is in a ChrootDirectory (NAME_QUERY and LOG allowed)
     * @param audit where its AUDIT reports go; {@link SessionAudit#enabled()} false: AUDIT not allowed
     * @param metrics counts the reported operations by type
     * @return done once the channel is closed: the engine's last reports are written by then
     */
    public static CompletableFuture<Void> serve(Fd channel, int enginePid, boolean jailed, SessionAudit audit,
                                                Metrics metrics) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try (channel) {
                while (true) {
                    answer(channel.fd(), jailed, audit, metrics);
                }
            } catch (EOFException e) {
                // The engine ended.
            } catch (MonitorProtocolException | SysCallException e) {
                log.error("monitor: engine %d: %s; nothing more is taken from it", enginePid, e.getMessage());
            } finally {
                done.complete(null);
            }
        }, "engine-channel-" + enginePid);
        thread.setDaemon(true);
        thread.start();
        return done;
    }

    private static void answer(int fd, boolean jailed, SessionAudit audit, Metrics metrics)
            throws EOFException, MonitorProtocolException, SysCallException {
        Buffer query = Packets.read(fd);
        MonitorMessage type = MonitorMessage.of(query.getUByte());
        if (type == MonitorMessage.AUDIT && audit.enabled()) {
            // Every report of every session passes here: operations are counted by type as they are written.
            List<AuditBatch.Report> reports = AuditBatch.parse(query);
            reports.forEach(r -> metrics.operation(r.operation().request()));
            audit.operations(reports);
            return;
        }
        if (!jailed) {
            throw new MonitorProtocolException("only AUDIT may follow ENGINE_ASSIGN outside a chroot, not " + type);
        }
        if (type == MonitorMessage.LOG) {
            MonitorSession.relayLog(query, "");
            return;
        }
        if (type != MonitorMessage.NAME_QUERY) {
            throw new MonitorProtocolException("only NAME_QUERY, LOG and AUDIT may follow ENGINE_ASSIGN, not " + type);
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
