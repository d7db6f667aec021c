// One row of the request table: what a request is called, how it arrives, who serves it, whether it writes.
package dev.sftpd.sftp;

import dev.sftpd.sftp.posix.SysCallException;

/**
 * @param name the name used by -p/-P, -Q requests and the logs
 * @param extension the SSH_FXP_EXTENDED request name, or null for a plain packet type
 * @param extensionVersion what SSH_FXP_VERSION advertises for an extension
 * @param type the packet type of a plain request (0 for extensions)
 * @param doesWrite refused in read-only mode
 * @param audited what an audit trail records of it (refused requests are recorded whatever this says)
 */
record Handler(String name, String extension, String extensionVersion, int type, Action action,
               boolean doesWrite, Audited audited) {

    /** Serves one request; the reader is positioned after the request id (and extension name). */
    @FunctionalInterface
    interface Action {
        void serve(SftpSession session, int id, Decoder in)
                throws MalformedPacketException, SysCallException, java.io.IOException;
    }

    static Handler request(String name, int type, Action action, boolean doesWrite) {
        return new Handler(name, null, null, type, action, doesWrite, Audited.NO);
    }

    static Handler extension(String name, String extension, String version, Action action, boolean doesWrite) {
        return new Handler(name, extension, version, 0, action, doesWrite, Audited.NO);
    }

    /** This row, reported to the audit trail with these fields. */
    Handler audited(Audited fields) {
        return new Handler(name, extension, extensionVersion, type, action, doesWrite, fields);
    }

    boolean isExtension() {
        return extension != null;
    }
}
