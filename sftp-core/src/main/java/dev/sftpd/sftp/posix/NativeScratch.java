// Native memory that read(2)-like calls fill, so that only the bytes read are copied into Java arrays.
package dev.sftpd.sftp.posix;

import java.nio.ByteBuffer;

/**
 * Given a Java array to fill, jffi (and jnr-ffi above it) hands the kernel a temporary native
 * buffer of the array's whole length and copies all of it back after the call, whatever the
 * count the call returned. Reads are sized for the largest message (255 KiB for a READ, 256 KiB for the
 * transport's relay) and most return far less: a STATUS, a 4 KiB file. So the kernel reads into
 * this thread's direct buffer instead, and the caller copies only what was read.
 */
public final class NativeScratch {
    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(0));

    private NativeScratch() {}

    /** This thread's buffer, at least len bytes, position 0: as large as the largest read it has made. */
    public static ByteBuffer get(int len) {
        ByteBuffer buffer = BUFFER.get();
        if (buffer.capacity() < len) {
            buffer = ByteBuffer.allocateDirect(len);
            BUFFER.set(buffer);
        }
        return buffer;
    }
}
