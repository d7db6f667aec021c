// The sftpd program: the privileged monitor of an SFTP-only SSH server, configured like sshd.
package dev.sftpd.server;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.Logging;
import dev.sftpd.log.SshLog;
import dev.sftpd.log.SyslogFacility;
import dev.sftpd.monitor.HostKeys;
import dev.sftpd.monitor.auth.Account;
import dev.sftpd.server.config.Config;
import dev.sftpd.server.config.ConfigException;
import dev.sftpd.server.config.ConfigParser;
import dev.sftpd.server.config.Configuration;
import dev.sftpd.server.config.ConnectionSpec;
import dev.sftpd.privsep.Fd;
import dev.sftpd.privsep.Processes;
import dev.sftpd.privsep.Spawner;
import dev.sftpd.sftp.posix.Posix;
import dev.sftpd.sftp.posix.SysCallException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.posix.POSIXFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

public final class SftpdMain {
    private static final SshLog log = SshLog.get(SftpdMain.class);

    /** The account transports run as, from their first instruction (sshd's SSH_PRIVSEP_USER). */
    static final String UNPRIVILEGED_USER = "sftpd";
    private static final String PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

    private SftpdMain() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Logging.init("sftpd", LogLevel.INFO, SyslogFacility.AUTH, true);
        DaemonFlags flags;
        Configuration configuration;
        Config config;
        try {
            flags = DaemonFlags.parse(args);
        } catch (DaemonFlags.UsageException e) {
            System.err.println(e.getMessage());
            System.err.print(DaemonFlags.USAGE);
            return 1;
        }
        if (flags.mode() == DaemonFlags.Mode.CONTROL && flags.controlSocket().isPresent()) {
            return ControlClient.run(flags.controlCommand(), flags.controlSocket().get().toString(), System.out,
                    System.err);
        }
        try {
            configuration = ConfigParser.read(flags.configFile(), false, flags.overrides(), flags.ports(),
                    flags.hostKeys());
            config = configuration.global();
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 255;
        } catch (java.io.IOException e) {
            System.err.println("sftpd: " + e.getMessage());
            return 255;
        }
        if (flags.mode() == DaemonFlags.Mode.CONTROL) {
            if (config.controlSocket().isEmpty()) {
                System.err.println("sftpd: ControlSocket is none in " + flags.configFile() + ": give -S PATH");
                return 255;
            }
            return ControlClient.run(flags.controlCommand(), config.controlSocket().get().toString(), System.out,
                    System.err);
        }
        if (flags.mode() == DaemonFlags.Mode.DUMP) {
            return dump(configuration, flags.connection());
        }
        if (POSIXFactory.getNativePOSIX().geteuid() != 0 && flags.mode() == DaemonFlags.Mode.RUN) {
            System.err.println("sftpd: must run as root: it changes to each user it authenticates");
            return 1;
        }
        // As sshd, even for -t: a daemon without its unprivileged user could not serve anyone.
        Optional<Account> unprivileged = Account.lookup(UNPRIVILEGED_USER);
        if (unprivileged.isEmpty()) {
            System.err.println("Privilege separation user " + UNPRIVILEGED_USER + " does not exist (create it with: "
                    + "useradd --system --user-group --no-create-home --home-dir /run/sftpd --shell /usr/sbin/nologin "
                    + UNPRIVILEGED_USER + ")");
            return 255;
        }
        if (flags.mode() == DaemonFlags.Mode.TEST) {
            return checkHostKeys(config, flags);
        }
        ConfigSource source = new ConfigSource(flags);
        HostKeys hostKeys;
        try {
            hostKeys = source.hostKeys(config);
        } catch (ConfigSource.Refused e) {
            System.err.println(e.getMessage());
            return 1;
        }
        if (!flags.foreground()) {
            return detach(args);
        }
        initLogging(config, flags);
        config.startupNotes().forEach(note -> log.verbose("%s", note));
        try {
            Launcher launcher = Launcher.prepare(unprivileged.get().uid(), unprivileged.get().gid(),
                    flags.logToStderr());
            ClassArchives.prepare(unprivileged.get());
            Daemon daemon = new Daemon(new ConfigSource.Loaded(configuration, hostKeys), source,
                    ServiceManager.fromEnvironment(), launcher, flags.logToStderr(), () -> startSuccessor(args));
            Runtime.getRuntime().addShutdownHook(new Thread(daemon::stop, "stop"));
            // Before the first listener: a HUP sent as soon as the port answers must find the handler.
            onSighup(() -> reload(daemon, flags));
            daemon.listen();
            writePidFile(config);
            daemon.serve();
            return 0;
        } catch (Exception e) {
            log.fatal("%s", e.getMessage());
            return 255;
        }
    }

    /** -T, and with -C the configuration that connection gets from the Match blocks, as sshd -T -C prints it. */
    private static int dump(Configuration configuration, Optional<String> connection) {
        Config config = configuration.global();
        if (connection.isPresent()) {
            try {
                config = configuration.forConnection(ConnectionSpec.parse(connection.get(), Policy::groupsOf));
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return 1;
            } catch (ConfigException e) {
                System.err.println(e.getMessage());
                return 255;
            }
        }
        System.out.print(config.dump());
        return 0;
    }

    /**
     * -t checks the host keys without writing any, as sshd -t: a HostKey line whose key does not
     * load is an error naming the line; a built-in key that is missing (a real start would create
     * it) is reported, and with no key left to serve with the check fails as sshd's does.
     */
    private static int checkHostKeys(Config config, DaemonFlags flags) {
        ConfigSource source = new ConfigSource(flags);
        List<Path> loadable = new ArrayList<>();
        for (Path key : config.hostKeys()) {
            if (Files.isReadable(key)) {
                loadable.add(key);
            } else if (config.hostKeysDefaulted()) {
                System.err.println("Unable to load host key: " + key);
            } else {
                System.err.println(source.unloadable(key));
                return 1;
            }
        }
        if (loadable.isEmpty()) {
            System.err.println("sftpd: no hostkeys available -- exiting.");
            return 1;
        }
        try {
            HostKeys.load(loadable);
            return 0;
        } catch (Exception e) {
            System.err.println("sftpd: could not load host key: " + e.getMessage());
            return 1;
        }
    }

    /** The configuration's log level and facility, unless -d chose a debug level. */
    private static void initLogging(Config config, DaemonFlags flags) {
        LogLevel level = flags.debug() > 0 ? LogLevel.values()[LogLevel.DEBUG1.ordinal() + flags.debug() - 1]
                : config.logLevel();
        Logging.init("sftpd", level, config.syslogFacility(), flags.logToStderr());
    }

    /**
     * SIGHUP, which by default ends a JVM (and so every session), starts a reload instead, on a
     * thread of its own so that the signal dispatcher is never held; reloads run one at a time.
     */
    private static void onSighup(Runnable reload) {
        ExecutorService reloads = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "reload");
            t.setDaemon(true);
            return t;
        });
        Signal hup = new Signal("HUP");
        SignalHandler handler = signal -> reloads.execute(reload);
        if (Signal.handle(hup, handler) == SignalHandler.SIG_IGN) {
            // Started with SIGHUP ignored (nohup, a shell's trap '' HUP), the JVM kept ignoring it and
            // would never call the handler. sshd reloads on SIGHUP whatever it inherited; so does sftpd.
            try {
                Processes.unignore(hup.getNumber());
                Signal.handle(hup, handler);
            } catch (SysCallException e) {
                log.error("SIGHUP stays ignored, as inherited (%s): no reload on SIGHUP", e.getMessage());
            }
        }
    }

    private static void reload(Daemon daemon, DaemonFlags flags) {
        // sshd says "Received SIGHUP; restarting." and execs itself; sftpd stays, and says what it does.
        log.info("Received SIGHUP; reloading the configuration.");
        Config before = daemon.config();
        if (!daemon.reload()) {
            return;
        }
        Config after = daemon.config();
        if (after.logLevel() != before.logLevel() || after.syslogFacility() != before.syslogFacility()) {
            initLogging(after, flags);
        }
        if (!after.pidFile().equals(before.pidFile())) {
            try {
                writePidFile(after);
            } catch (java.io.IOException e) {
                log.error("cannot write %s: %s", after.pidFile().get(), e.getMessage());
            }
        }
    }

    /**
     * sshd's daemon(): a JVM cannot fork, so it starts itself again with -D, in a new session
     * and with /dev/null for stdin, stdout and stderr, and returns at once. The configuration and
     * host keys were checked here first, so the usual mistakes are still reported on the terminal.
     */
    private static int detach(String[] args) {
        try {
            int devNull = Posix.get().open("/dev/null".getBytes(StandardCharsets.US_ASCII), Posix.O_RDWR, 0);
            Spawner.spawn(commandLine(args), Map.of("PATH", PATH, "LANG", "C.UTF-8"), devNull, devNull, devNull,
                    true);
            return 0;
        } catch (SysCallException e) {
            System.err.println("sftpd: cannot start in the background: " + e.getMessage());
            return 1;
        }
    }

    /** This daemon's command line again, with -D: the same JVM options, class path (its jars as they are now), flags. */
    private static List<String> commandLine(String[] args) {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"), SftpdMain.class.getName()));
        argv.addAll(List.of(args));
        argv.add("-D");
        return argv;
    }

    /**
     * sftpd -O restart: a new daemon with this one's command line, which takes the listening
     * sockets over at the control socket. It logs where this one does, and is the one child that
     * gets NOTIFY_SOCKET: it becomes the service's main process (READY=1 with its MAINPID).
     */
    private static int startSuccessor(String[] args) throws SysCallException {
        Map<String, String> env = new HashMap<>(Map.of("PATH", PATH, "LANG", "C.UTF-8"));
        Optional.ofNullable(System.getenv(ServiceManager.VARIABLE)).ifPresent(v -> env.put(ServiceManager.VARIABLE, v));
        try (Fd devNull = Spawner.openDevNull()) {
            int pid = Spawner.spawn(commandLine(args), env, devNull.fd(), 2, devNull.fd(), false);
            Launcher.Child.watch(pid).exited().thenAccept(status -> log.info("new daemon %d %s", pid, status));
            return pid;
        }
    }

    private static void writePidFile(Config config) throws java.io.IOException {
        if (config.pidFile().isPresent()) {
            Path pidFile = config.pidFile().get();
            Files.writeString(pidFile, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
            String mine = ProcessHandle.current().pid() + "\n";
            // A daemon that took over from this one has written its own pid there since: that file is not ours.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    if (Files.readString(pidFile, StandardCharsets.US_ASCII).equals(mine)) {
                        Files.delete(pidFile);
                    }
                } catch (java.io.IOException e) {
                    // Gone already.
                }
            }));
        }
    }
}
