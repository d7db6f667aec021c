// A request whose fields do not fit its declared length: the session must end.
package dev.sftpd.sftp;

final class MalformedPacketException extends Exception {
    MalformedPacketException(String message) {
        super(message, null, false, false);
    }
}
