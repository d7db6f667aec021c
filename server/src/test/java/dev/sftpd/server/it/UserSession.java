// An open sftp session together with the pid of the worker that serves it.
package dev.sftpd.server.it;

record WorkerSession(OpenSftp client, long worker) implements AutoCloseable {

    @Override
    public void close() {
        client.close();
    }
}
