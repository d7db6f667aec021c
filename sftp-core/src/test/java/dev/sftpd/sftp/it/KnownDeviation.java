package dev.sftpd.sftp.it;

import java.io.IOException;

/**
 * A step where our server deliberately answers differently from OpenSSH 9.2: our reply is checked against
 * {@code oursExpected} instead of against OpenSSH's, and OpenSSH's reply is only shown.
 */
record KnownDeviation(Step step, String why, String oursExpected) implements Step {
    @Override
    public String summary() {
        return step.summary() + " [known deviation: " + why + "]";
    }

    @Override
    public String run(Session session) throws IOException, InterruptedException {
        return step.run(session);
    }
}
