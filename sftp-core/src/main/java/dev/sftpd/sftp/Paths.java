// Byte-string path joining, as sftp-server's "%s/%s" formatting does it.
package dev.sftpd.sftp;

import java.util.Arrays;

final class Paths {
    private Paths() {}

    /** dir + "/" + name, without doubling the slash after "/" itself. */
    static byte[] join(byte[] dir, byte[] name) {
        boolean slash = !(dir.length == 1 && dir[0] == '/');
        byte[] out = Arrays.copyOf(dir, dir.length + (slash ? 1 : 0) + name.length);
        if (slash) {
            out[dir.length] = '/';
        }
        System.arraycopy(name, 0, out, out.length - name.length, name.length);
        return out;
    }
}
