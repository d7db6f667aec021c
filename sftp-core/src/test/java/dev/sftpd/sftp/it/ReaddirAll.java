package dev.sftpd.sftp.it;

import java.util.ArrayList;
import java.util.List;

/**
 * READDIR on one handle until the server stops sending NAME: servers may order and batch entries as they
 * like, so the step shows the sorted set of entries and the reply that ended the listing.
 */
record ReaddirAll(String handle) implements Step {
    private static final int MAX_BATCHES = 1000;

    @Override
    public String summary() {
        return "READDIR " + handle + " until it stops sending NAME (entries sorted)";
    }

    @Override
    public String run(Session session) throws InterruptedException {
        Request readdir = Requests.readdir(handle);
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < MAX_BATCHES; i++) {
            Session.Outcome o = session.call(readdir);
            if (!(o.reply() instanceof Reply.Name names) || !o.stray().isEmpty()) {
                entries.sort(null);
                StringBuilder s = new StringBuilder("ENTRIES ").append(entries.size());
                entries.forEach(e -> s.append("\n  ").append(e));
                return s.append("\nthen ").append(session.render(o, ExtendedFormat.RAW)).toString();
            }
            if (names.entries().isEmpty()) {
                entries.add("(a NAME reply with no entries)");
            }
            names.entries().forEach(e -> entries.add(session.view().text(e.render(session.view()))));
        }
        return "STILL LISTING after " + MAX_BATCHES + " READDIR requests";
    }
}
