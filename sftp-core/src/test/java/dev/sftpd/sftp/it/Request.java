package dev.sftpd.sftp.it;

import java.io.IOException;

/**
 * One SFTP packet of a script. The body is written at run time so that it can name a handle an earlier
 * step captured ({@code capture}); the session adds the type byte and, if {@code hasId}, the request id.
 */
record Request(String summary, int type, boolean hasId, boolean expectsReply, Body body, String capture,
        ExtendedFormat format) implements Step {

    interface Body {
        void write(Wire.Out out, Session session);
    }

    static Request of(String summary, int type, Body body) {
        return new Request(summary, type, true, true, body, null, ExtendedFormat.RAW);
    }

    /** Keeps the handle of a HANDLE reply under this name for later steps. */
    Request as(String handleName) {
        return new Request(summary + " -> " + handleName, type, hasId, expectsReply, body, handleName, format);
    }

    Request format(ExtendedFormat f) {
        return new Request(summary, type, hasId, expectsReply, body, capture, f);
    }

    Request withoutId() {
        return new Request(summary, type, false, expectsReply, body, capture, format);
    }

    /** For packets a server must ignore: the next step then shows any reply it sent anyway as a stray. */
    Request noReply() {
        return new Request(summary + " (no reply expected)", type, hasId, false, body, capture, format);
    }

    @Override
    public String run(Session session) throws IOException, InterruptedException {
        return session.render(session.call(this), format);
    }
}
