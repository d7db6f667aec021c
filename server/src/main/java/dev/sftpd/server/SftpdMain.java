// The sftpd program: the privileged monitor of an SFTP-only SSH server, configured like sshd.
package dev.sftpd.server;

import dev.sftpd.log.LogLevel;
import dev.sftpd.log.Logging;
import dev.sftpd.log.SshLog;
import dev.sftpd.log.SyslogFacility;
import dev.sftpd.monitor.HostKeys;
import dev.sftpd.server.config.Config;
import dev.sftpd.server.config.ConfigException;
import dev.sftpd.server.config.ConfigParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.posix.POSIXFactory;

public final class SftpdMain {
    private static final SshLog log = SshLog.get(SftpdMain.class);

    private SftpdMain() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        Logging.init("sftpd", LogLevel.INFO, SyslogFacility.AUTH, true);
        DaemonFlags flags;
        Config config;
        try {
            flags = DaemonFlags.parse(args);
            config = ConfigParser.parseIfExists(flags.configFile(), flags.overrides(), flags.ports(), flags.hostKeys());
        } catch (DaemonFlags.UsageException e) {
            System.err.println(e.getMessage());
            System.err.print(DaemonFlags.USAGE);
            return 1;
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            return 255;
        } catch (java.io.IOException e) {
            System.err.println("sftpd: " + e.getMessage());
            return 255;
        }
        if (flags.mode() == DaemonFlags.Mode.DUMP) {
            System.out.print(config.dump());
            return 0;
        }
        if (POSIXFactory.getNativePOSIX().geteuid() != 0 && flags.mode() == DaemonFlags.Mode.RUN) {
            System.err.println("sftpd: must run as root: it changes to each user it authenticates");
            return 1;
        }
        HostKeys hostKeys;
        try {
            if (config.hostKeysDefaulted()) {
                HostKeys.createMissing(config.hostKeys());
            }
            hostKeys = HostKeys.load(config.hostKeys());
        } catch (Exception e) {
            System.err.println("sftpd: could not load host key: " + e.getMessage());
            return 1;
        }
        if (flags.mode() == DaemonFlags.Mode.TEST) {
            return 0;
        }
        LogLevel level = flags.debug() > 0 ? LogLevel.values()[LogLevel.DEBUG1.ordinal() + flags.debug() - 1]
                : config.logLevel();
        Logging.init("sftpd", level, config.syslogFacility(), flags.logToStderr());
        Daemon daemon = new Daemon(config, hostKeys, new WorkerLauncher(flags.logToStderr()));
        try {
            daemon.listen();
            writePidFile(config);
            daemon.serve();
            return 0;
        } catch (Exception e) {
            log.fatal("%s", e.getMessage());
            return 255;
        }
    }

    private static void writePidFile(Config config) throws java.io.IOException {
        if (config.pidFile().isPresent()) {
            Path pidFile = config.pidFile().get();
            Files.writeString(pidFile, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> pidFile.toFile().delete()));
        }
    }
}
