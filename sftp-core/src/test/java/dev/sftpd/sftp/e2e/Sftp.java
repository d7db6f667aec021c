// OpenSSH's sftp client in batch mode, connected through `sftp -D` to the stdio server under test.
package dev.sftpd.sftp.e2e;

import dev.sftpd.testkit.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A batch aborts at the first failing command unless the command starts with '-', and the client then
 * exits 1: tests of refusals either assert that exit or prefix the command to go on.
 */
record Sftp(Sandbox sandbox, List<String> serverFlags, List<String> clientOptions) {

    /** With -vv the client reports the server's VERSION advertisement ("Server supports extension ..."). */
    Sftp verbose() {
        return new Sftp(sandbox, serverFlags, List.of("-vv"));
    }

    /** Runs the commands as a batch file from the local directory. */
    Outcome batch(String... commands) throws IOException, InterruptedException {
        Path batchFile = Files.write(sandbox.root().resolve("batch"), List.of(commands));
        List<String> server = new ArrayList<>(List.of(Programs.serverUnderTest().toString(),
                "-e", "-l", "INFO", "-d", sandbox.remote().toString()));
        server.addAll(serverFlags);
        List<String> command = new ArrayList<>(List.of(Programs.sftpClient().toString()));
        command.addAll(clientOptions);
        command.addAll(List.of("-b", batchFile.toString(), "-D", commandLine(server)));
        return Programs.run(sandbox.local(), command);
    }

    /** One string that the client's argv_split() turns back into {@code words}: single-quotes what needs it. */
    private static String commandLine(List<String> words) {
        return words.stream().map(Sftp::quoted).collect(Collectors.joining(" "));
    }

    private static String quoted(String word) {
        if (word.contains("'")) {
            throw new IllegalArgumentException("cannot quote " + word);
        }
        return word.matches("[\\w./,=:%+-]+") ? word : "'" + word + "'";
    }
}
