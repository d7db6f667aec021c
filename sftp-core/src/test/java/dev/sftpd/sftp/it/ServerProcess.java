package dev.sftpd.sftp.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One sftp-server process speaking on its stdin/stdout: frames go out as written, replies come back
 * through a reader thread so that every wait has a deadline and a hung server fails the test fast.
 */
final class ServerProcess implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** What the reader thread saw: a reply payload, or the end of the server's output. */
    sealed interface Received {}

    record Frame(byte[] payload) implements Received {}

    record End(String why) implements Received {}

    private final String label;
    private final Process process;
    private final OutputStream stdin;
    private final BlockingQueue<Received> replies = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final List<Thread> pumps = new ArrayList<>();
    private volatile long bytesOut;

    private ServerProcess(String label, Process process) {
        this.label = label;
        this.process = process;
        this.stdin = process.getOutputStream();
        pump("stdout", () -> readFrames(process.getInputStream()));
        pump("stderr", () -> process.getErrorStream().transferTo(new SynchronizedSink(stderr)));
    }

    static ServerProcess start(String label, List<String> command, Path cwd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        return new ServerProcess(label, pb.start());
    }

    String label() {
        return label;
    }

    /** Sends one packet: uint32 length, then the payload (type byte first). */
    void send(byte[] payload) throws IOException {
        sendRaw(new Wire.Out().string(payload).bytes());
    }

    void sendRaw(byte[] bytes) throws IOException {
        stdin.write(bytes);
        stdin.flush();
    }

    void closeInput() throws IOException {
        stdin.close();
    }

    /** The next reply, an {@link End}, or null when nothing came within the timeout. */
    Received next(Duration timeout) throws InterruptedException {
        return replies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The exit code, or null if the process is still running after the timeout. */
    Integer awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    /** Bytes the server wrote to stdout so far, including partial frames. */
    long bytesOut() {
        return bytesOut;
    }

    String stderr() {
        synchronized (stderr) {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            for (Thread t : pumps) {
                t.join(TIMEOUT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void readFrames(InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        try {
            while (true) {
                int first = in.read();
                if (first < 0) {
                    replies.add(new End("end of output"));
                    return;
                }
                bytesOut++;
                int len = (first << 24) | (in.readUnsignedByte() << 16) | (in.readUnsignedShort());
                bytesOut += 3;
                if (len < 0 || len > 1 << 20) {
                    replies.add(new End("reply frame of impossible length " + Integer.toUnsignedString(len)));
                    return;
                }
                byte[] payload = new byte[len];
                in.readFully(payload);
                bytesOut += len;
                replies.add(new Frame(payload));
            }
        } catch (EOFException e) {
            replies.add(new End("output ended inside a reply frame"));
        }
    }

    private interface Pump {
        void run() throws IOException;
    }

    private void pump(String name, Pump body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (IOException e) {
                replies.add(new End(name + " failed: " + e));
            }
        }, label + "-" + name);
        t.setDaemon(true);
        t.start();
        pumps.add(t);
    }

    private static final class SynchronizedSink extends OutputStream {
        private final ByteArrayOutputStream sink;

        SynchronizedSink(ByteArrayOutputStream sink) {
            this.sink = sink;
        }

        @Override
        public void write(int b) {
            synchronized (sink) {
                sink.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (sink) {
                sink.write(b, off, len);
            }
        }
    }
}
