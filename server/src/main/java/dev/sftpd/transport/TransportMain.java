// The per-connection worker: the SSH transport on fd 0, the monitor on fd 3, the user's identity after authentication.
package dev.sftpd.worker;

import dev.sftpd.log.Logging;
import dev.sftpd.log.SshLog;
import dev.sftpd.privsep.MonitorCalls;
import dev.sftpd.privsep.PrivilegeDrop;
import dev.sftpd.server.config.Config;
import dev.sftpd.server.config.ConfigParser;
import dev.sftpd.server.config.InternalSftp;
import dev.sftpd.sftp.Accounts;
import dev.sftpd.sftp.ServerFlags;
import dev.sftpd.sftp.ServerOptions;
import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.SysCallException;
import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.util.Collections;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.server.session.ServerSession;

/** Started by the monitor with posix_spawn; not a user-facing program. */
public final class WorkerMain {
    private static final SshLog log = SshLog.get(WorkerMain.class);

    private final MonitorCalls monitor = new MonitorCalls(MonitorCalls.CHANNEL_FD);
    private volatile boolean loginRecorded;

    private WorkerMain() {}

    public static void main(String[] args) {
        System.exit(new WorkerMain().run(List.of(args).contains("-e")));
    }

    private int run(boolean logToStderr) {
        try {
            MonitorCalls.Hello hello = monitor.hello();
            Config config = ConfigParser.parseDump(hello.config());
            Logging.init("sftpd", config.logLevel(), config.syslogFacility(), logToStderr);
            Channel inherited = System.inheritedChannel();
            if (!(inherited instanceof SocketChannel socket)) {
                log.fatal("worker: fd 0 is not a connected socket");
                return 255;
            }
            openClassPath();
            PrivilegeDrop.suspend(hello.unprivilegedUid(), hello.unprivilegedGid());
            WorkerServer server = WorkerServer.create(settings(config), monitor, hello.hostKeyBlobs(), this::becomeUser);
            server.serve(socket);
            if (loginRecorded) {
                monitor.recordLogout();
            }
            return 0;
        } catch (Exception e) {
            log.fatal("worker: %s", e.getMessage() == null ? e.toString() : e.getMessage());
            return 255;
        }
    }

    /**
     * AUTH_CONTEXT, then the permanent drop to the user the monitor names, then the login
     * record. Any failure ends the worker: it must never serve a session with the wrong identity.
     */
    private Accounts.User becomeUser(ServerSession session) {
        try {
            MonitorCalls.Identity id = monitor.authContext(session.getUsername());
            PrivilegeDrop.resume();
            PrivilegeDrop.drop(id.uid(), id.gid(), id.groups());
            byte[] home = id.home().getBytes(Charset.defaultCharset());
            try {
                Posix.get().chdir(home);
            } catch (SysCallException e) {
                log.error("Could not chdir to home directory %s: %s", id.home(), e.reason());
                Posix.get().chdir(new byte[] {'/'});
            }
            if (!id.forcedCommand().isEmpty()) {
                session.setAttribute(WorkerServer.FORCED, forcedSftp(id.forcedCommand()));
            }
            monitor.recordLogin();
            loginRecorded = true;
            return new Accounts.User(id.user(), id.uid(), id.gid(), home);
        } catch (Exception e) {
            log.fatal("worker: cannot become user %s: %s", session.getUsername(), e.getMessage());
            System.exit(255);
            throw new AssertionError(e);
        }
    }

    /**
     * A forced command this server can honour is sftp itself: "internal-sftp FLAGS" or a path
     * to an sftp-server with its flags. Anything else leaves the user no session at all.
     */
    static Optional<ServerOptions> forcedSftp(String command) {
        List<String> words = List.of(command.trim().split("\\s+"));
        String program = words.get(0);
        if (!program.equals("internal-sftp") && !program.endsWith("/sftp-server")) {
            log.verbose("forced command \"%s\" is not sftp: sessions refused", command);
            return Optional.empty();
        }
        try {
            return Optional.of(ServerFlags.parse("internal-sftp", words.subList(1, words.size())
                    .toArray(String[]::new)).options());
        } catch (ServerFlags.FlagException e) {
            log.error("forced command \"%s\": %s", command, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Opens every jar on the class path while the worker may still read them all: the class
     * loader keeps them open, so classes loaded after the privilege drop still load even when
     * the installation is not readable by the user.
     */
    private static void openClassPath() throws IOException {
        Collections.list(ClassLoader.getSystemClassLoader().getResources("META-INF/MANIFEST.MF"));
    }

    static WorkerSettings settings(Config c) {
        List<String> methods = new ArrayList<>();
        if (c.pubkeyAuthentication()) {
            methods.add("publickey");
        }
        if (c.passwordAuthentication()) {
            methods.add("password");
        }
        if (c.kbdInteractiveAuthentication() && c.usePam()) {
            methods.add("keyboard-interactive");
        }
        return new WorkerSettings(c.ciphers(), c.macs(), c.kexAlgorithms(), c.hostKeyAlgorithms(),
                c.rekeyLimit().bytes().orElse(0), c.rekeyLimit().interval(),
                Optional.of(c.sftpSubsystem().options()), c.forceCommand().map(InternalSftp::options), methods,
                c.authenticationMethodNames(), c.maxAuthTries(), c.loginGraceTime());
    }
}
