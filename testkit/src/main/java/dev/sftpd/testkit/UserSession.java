// An open sftp session together with the processes that serve it.
package dev.sftpd.testkit;

/**
 * @param clientPort the client's local port, as the daemon logs the connection
 * @param transport the unprivileged process that speaks SSH with the client
 * @param session the session's shell: the process the login record names, with the user's loginuid
 * @param engine the SFTP engine, the user's process
 */
public record UserSession(OpenSftp client, int clientPort, long transport, long session, long engine)
        implements AutoCloseable {

    @Override
    public void close() {
        client.close();
    }
}
