package dev.sftpd.sftp.it;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One server's side of a script run: request ids, captured handles, and the view its replies are shown in. */
final class Session {
    /** A request's reply, any replies that came first with other ids, or why there was none. */
    record Outcome(String stray, Reply reply, String failure) {}

    private static final Duration QUIET = Duration.ofSeconds(1);
    private static final Duration PIECE_PAUSE = Duration.ofMillis(20);

    private final ServerProcess server;
    private final View view;
    private final Map<String, byte[]> handles = new HashMap<>();
    private long nextId = 1;
    private String stalled;

    Session(ServerProcess server, View view) {
        this.server = server;
        this.view = view;
    }

    ServerProcess server() {
        return server;
    }

    View view() {
        return view;
    }

    /** A handle captured by an earlier step; a failed capture sends text that no server issued. */
    byte[] handle(String name) {
        byte[] h = handles.get(name);
        return h != null ? h : Wire.bytes("<never captured: " + name + ">");
    }

    /** A script path, with a leading {@code <ROOT>} made this server's fixture root. */
    String path(String scriptPath) {
        return scriptPath.startsWith("<ROOT>") ? view.root() + scriptPath.substring("<ROOT>".length()) : scriptPath;
    }

    Outcome call(Request r) throws InterruptedException {
        if (stalled != null) {
            return new Outcome("", null, "NOT SENT: " + stalled);
        }
        long id = nextId++;
        if (!send(frame(r, id), 0)) {
            return new Outcome("", null, "WRITE FAILED: " + stalled);
        }
        return r.expectsReply() ? receive(r, id) : quiet();
    }

    /**
     * Several requests written at once, or one request written in pieces, before any reply is read: a
     * server must cope with any split of its input into reads. Replies come back in request order.
     */
    List<Outcome> callTogether(List<Request> requests, int pieceSize) throws InterruptedException {
        if (stalled != null) {
            return requests.stream().map(r -> new Outcome("", null, "NOT SENT: " + stalled)).toList();
        }
        long firstId = nextId;
        Wire.Out all = new Wire.Out();
        for (Request r : requests) {
            all.raw(frame(r, nextId++));
        }
        if (!send(all.bytes(), pieceSize)) {
            return requests.stream().map(r -> new Outcome("", null, "WRITE FAILED: " + stalled)).toList();
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            outcomes.add(receive(requests.get(i), firstId + i));
        }
        return outcomes;
    }

    private byte[] frame(Request r, long id) {
        Wire.Out out = new Wire.Out().u8(r.type());
        if (r.hasId()) {
            out.u32(id);
        }
        r.body().write(out, this);
        return new Wire.Out().string(out.bytes()).bytes();
    }

    /** Writes bytes whole, or in pieces of pieceSize with a pause after each so that each is its own read. */
    private boolean send(byte[] bytes, int pieceSize) throws InterruptedException {
        try {
            if (pieceSize <= 0) {
                server.sendRaw(bytes);
                return true;
            }
            for (int off = 0; off < bytes.length; off += pieceSize) {
                server.sendRaw(java.util.Arrays.copyOfRange(bytes, off, Math.min(bytes.length, off + pieceSize)));
                Thread.sleep(PIECE_PAUSE.toMillis());
            }
            return true;
        } catch (IOException e) {
            stalled = "write failed: " + e.getMessage();
            return false;
        }
    }

    private Outcome receive(Request r, long id) throws InterruptedException {
        StringBuilder stray = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            ServerProcess.Received received = server.next(ServerProcess.TIMEOUT);
            if (received == null) {
                stalled = "no reply to " + r.summary() + " within " + ServerProcess.TIMEOUT.toSeconds() + " s";
                return new Outcome(stray.toString(), null, "NO REPLY within " + ServerProcess.TIMEOUT.toSeconds() + " s");
            }
            if (received instanceof ServerProcess.End end) {
                stalled = "server output ended: " + end.why();
                return new Outcome(stray.toString(), null, "NO REPLY: " + end.why());
            }
            Reply reply = Reply.decode(((ServerProcess.Frame) received).payload());
            if (r.hasId() && reply.id() != id) {
                stray.append("STRAY REPLY (id ").append(reply.id()).append(", expected ").append(id).append("): ")
                        .append(reply.render(view, r.format())).append('\n');
                continue;
            }
            if (reply instanceof Reply.Handle h && r.capture() != null) {
                handles.put(r.capture(), h.handle());
            }
            return new Outcome(stray.toString(), reply, null);
        }
        stalled = "too many stray replies";
        return new Outcome(stray.toString(), null, "NO MATCHING REPLY among 20");
    }

    /**
     * After a packet that gets no reply, waits a moment for one anyway. The pause also matters to OpenSSH:
     * it handles one buffered request per poll wake-up, so a request that arrived in the same read as a
     * packet it ignores would wait there until more input came.
     */
    private Outcome quiet() throws InterruptedException {
        ServerProcess.Received received = server.next(QUIET);
        if (received == null) {
            return new Outcome("", null, "(no reply within " + QUIET.toMillis() + " ms)");
        }
        if (received instanceof ServerProcess.End end) {
            stalled = "server output ended: " + end.why();
            return new Outcome("", null, "NO REPLY: " + end.why());
        }
        return new Outcome("", null, "UNEXPECTED REPLY: "
                + Reply.decode(((ServerProcess.Frame) received).payload()).render(view, ExtendedFormat.RAW));
    }

    String render(Outcome o, ExtendedFormat format) {
        String text = o.reply() != null ? o.reply().render(view, format) : o.failure();
        return view.text(o.stray() + text);
    }
}
