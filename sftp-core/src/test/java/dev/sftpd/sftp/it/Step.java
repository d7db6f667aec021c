package dev.sftpd.sftp.it;

import java.io.IOException;

/** One numbered line of a script: it talks to a server and returns the text that is compared. */
interface Step {
    String summary();

    String run(Session session) throws IOException, InterruptedException;
}
