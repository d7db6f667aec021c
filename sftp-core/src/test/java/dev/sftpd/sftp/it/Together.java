package dev.sftpd.sftp.it;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Requests sent in one write, as clients pipeline them, or one write cut into pieces of {@code pieceSize}
 * bytes; the step shows every reply in request order.
 */
record Together(List<Request> requests, int pieceSize) implements Step {
    static Together pipelined(Request... requests) {
        return new Together(List.of(requests), 0);
    }

    static Together inPieces(int pieceSize, Request... requests) {
        return new Together(List.of(requests), pieceSize);
    }

    @Override
    public String summary() {
        return (pieceSize > 0 ? "in " + pieceSize + "-byte pieces: " : "pipelined: ")
                + requests.stream().map(Request::summary).collect(Collectors.joining("; "));
    }

    @Override
    public String run(Session session) throws InterruptedException {
        List<Session.Outcome> outcomes = session.callTogether(requests, pieceSize);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < outcomes.size(); i++) {
            s.append(i == 0 ? "" : "\n").append(i + 1).append(": ")
                    .append(session.render(outcomes.get(i), requests.get(i).format()));
        }
        return s.toString();
    }
}
