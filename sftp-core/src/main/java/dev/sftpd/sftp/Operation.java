// One audited SFTP operation as the engine saw it: the request, its outcome, the paths and bytes it concerned.
package dev.sftpd.sftp;

import java.util.Optional;

/**
 * @param request the request's name in the request table ("open", "rename", "copy-data"...)
 * @param status the SFTP status code answered (0 OK); see {@link #statusName(int)}
 * @param reason why the server refused or acted on its own ("read-only", "denylisted",
 *     "not allowlisted", "forced" for a close at the session's end); "" for none
 * @param path the path the request names, or the path of the handle it acts on ("" for none)
 * @param to the second path: the new name of rename, symlink and hardlink (OpenSSH's "new"), the
 *     destination of copy-data; "" for none
 * @param openFlags open's SSH_FXF_* flags; 0 for other requests
 * @param bytesRead close: read through the handle in all; copy-data: copied from the source
 * @param bytesWritten close: written through the handle in all; copy-data: copied to the destination
 * @param nanos how long the engine took to answer it
 * @param endedAt when it was answered (System.nanoTime())
 */
public record Operation(String request, int status, String reason, byte[] path, byte[] to, int openFlags,
                        long bytesRead, long bytesWritten, long nanos, long endedAt) {
    public static final String READ_ONLY = "read-only";
    public static final String DENYLISTED = "denylisted";
    public static final String NOT_ALLOWLISTED = "not allowlisted";
    public static final String FORCED = "forced";

    /** The status code's SSH_FX_ name without the prefix ("OK", "PERMISSION_DENIED"), or empty if unknown. */
    public static Optional<String> statusName(int code) {
        Status[] all = Status.values();
        return code >= 0 && code < all.length ? Optional.of(all[code].name()) : Optional.empty();
    }

    /** open's flags as sftp-server logs them: "READ,WRITE,CREATE,TRUNCATE". */
    public static String describeOpenFlags(int pflags) {
        return FileRequests.describe(pflags);
    }
}
