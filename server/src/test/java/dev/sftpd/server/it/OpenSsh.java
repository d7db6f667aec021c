// OpenSSH's sftp and ssh clients pointed at one daemon, with no user configuration, agent or known hosts.
package dev.sftpd.server.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

final class OpenSsh {
    private final int port;

    OpenSsh(int port) {
        this.port = port;
    }

    /** {@code sftp -b -} as the user, the batch on stdin; a failing command ends the batch with status 1. */
    Outcome sftp(SystemUser user, String... batch) {
        return sftp(user.name(), user.key(), batch);
    }

    /** sftp as any login name with any key, for the refusals. */
    Outcome sftp(String login, Path key, String... batch) {
        return sftp(login, key, List.of(), batch);
    }

    /** {@code sftp -b -} with these ssh options first (e.g. a ControlPath to share one connection). */
    Outcome sftp(SystemUser user, List<String> options, String... batch) {
        return sftp(user.name(), user.key(), options, batch);
    }

    private Outcome sftp(String login, Path key, List<String> options, String... batch) {
        return Run.run(sftpCommand(login, key, options),
                (String.join("\n", batch) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** An sftp session that stays open while the test looks at the server. */
    OpenSftp openSftp(SystemUser user) {
        return openSftp(user, List.of());
    }

    OpenSftp openSftp(SystemUser user, List<String> options) {
        return OpenSftp.start(sftpCommand(user.name(), user.key(), options));
    }

    /** {@code ssh [options] user@127.0.0.1 [command]} with stdin from /dev/null. */
    Outcome ssh(SystemUser user, List<String> options, String... command) {
        return ssh(user, new byte[0], options, command);
    }

    Outcome ssh(SystemUser user, byte[] stdin, List<String> options, String... command) {
        return Run.run(sshCommand(user, options, command), stdin);
    }

    /** The ssh command line; {@code options} come first, so they win over the defaults here. */
    List<String> sshCommand(SystemUser user, List<String> options, String... command) {
        List<String> c = new ArrayList<>(List.of("ssh"));
        c.addAll(options);
        c.addAll(List.of("-p", Integer.toString(port)));
        c.addAll(common(user.key()));
        c.add(user.name() + "@127.0.0.1");
        c.addAll(List.of(command));
        return c;
    }

    private List<String> sftpCommand(String login, Path key, List<String> options) {
        List<String> c = new ArrayList<>(List.of("sftp"));
        c.addAll(options);
        c.addAll(List.of("-P", Integer.toString(port)));
        c.addAll(common(key));
        c.addAll(List.of("-b", "-", login + "@127.0.0.1"));
        return c;
    }

    private static List<String> common(Path key) {
        return List.of("-F", "/dev/null", "-i", key.toString(), "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=30",
                "-o", "LogLevel=ERROR");
    }
}
