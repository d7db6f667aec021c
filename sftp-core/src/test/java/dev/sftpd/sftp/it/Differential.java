package dev.sftpd.sftp.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one script against OpenSSH and against ours, each in its own fresh fixture, and compares the
 * replies step by step. Every difference is collected, not just the first, and shown with the step number,
 * the request, OpenSSH's reply and ours.
 */
final class Differential {
    private Differential() {}

    /** One server's replies to a script, in step order, and what it logged. */
    record Transcript(Server server, List<String> replies, String stderr, String fsBefore, String fsAfter) {}

    static Transcript run(Server server, Script script) throws IOException, InterruptedException {
        try (Fixture fixture = Fixture.create()) {
            String before = fixture.snapshotOfFreshFixture();
            List<String> replies = new ArrayList<>();
            ServerProcess process = ServerProcess.start(server.label(), server.command(), fixture.root());
            try {
                Session session = new Session(process, fixture.view());
                for (Step step : script.steps()) {
                    replies.add(step.run(session));
                }
            } finally {
                process.close();
            }
            return new Transcript(server, replies, process.stderr(), before, fixture.snapshot());
        }
    }

    /** Runs the script on both servers, with the same extra flags, and fails with every difference. */
    static Transcript[] assertSameReplies(Script script, String... flags) throws IOException, InterruptedException {
        Transcript theirs = run(Server.openssh().with(flags), script);
        Server candidate = Server.ours();
        Transcript ours = run(candidate.with(flags), script);
        // Checking the harness with OpenSSH on both sides: known deviations must then agree like any step.
        boolean selfCheck = candidate.command().get(0).equals(Server.OPENSSH);
        if (Boolean.getBoolean("sftpd.it.show")) {
            System.out.println(sideBySide(script, theirs, ours));
        }
        List<String> differences = new ArrayList<>();
        List<Step> steps = script.steps();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            String expected = theirs.replies().get(i);
            String actual = ours.replies().get(i);
            if (step instanceof KnownDeviation known && !selfCheck) {
                if (!known.oursExpected().equals(actual)) {
                    differences.add("#" + (i + 1) + " " + step.summary() + "\n  expected (ours, a known deviation): "
                            + indent(known.oursExpected()) + "\n  OpenSSH 9.2 says:                  " + indent(expected)
                            + "\n  actual (ours):                     " + indent(actual) + "\n");
                }
            } else if (!expected.equals(actual)) {
                differences.add(describe(i, step, expected, actual));
            }
        }
        if (!theirs.fsAfter().equals(ours.fsAfter())) {
            differences.add("# file system after the script\n  only after OpenSSH:\n" + linesOnlyIn(theirs.fsAfter(), ours.fsAfter())
                    + "  only after ours:\n" + linesOnlyIn(ours.fsAfter(), theirs.fsAfter()));
        }
        if (!differences.isEmpty()) {
            fail(differences.size() + " of " + steps.size() + " steps differ (flags " + List.of(flags) + "):\n\n"
                    + String.join("\n", differences) + "\n" + logs(theirs) + logs(ours));
        }
        return new Transcript[] {theirs, ours};
    }

    private static String describe(int index, Step step, String expected, String actual) {
        return "#" + (index + 1) + " " + step.summary() + "\n  expected (OpenSSH): " + indent(expected)
                + "\n  actual (ours):      " + indent(actual) + "\n";
    }

    private static String linesOnlyIn(String a, String b) {
        List<String> other = List.of(b.split("\n"));
        StringBuilder s = new StringBuilder();
        for (String line : a.split("\n")) {
            if (!other.contains(line)) {
                s.append("    ").append(line).append('\n');
            }
        }
        return s.toString();
    }

    static String indent(String s) {
        return s.replace("\n", "\n      ");
    }

    static String logs(Transcript t) {
        return "--- " + t.server().label() + " " + t.server().command() + " stderr:\n"
                + (t.stderr().isEmpty() ? "(empty)\n" : t.stderr());
    }

    /** Every step and both replies, printed with -Dsftpd.it.show=true when writing or reading a script. */
    private static String sideBySide(Script script, Transcript theirs, Transcript ours) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < script.steps().size(); i++) {
            s.append(describe(i, script.steps().get(i), theirs.replies().get(i), ours.replies().get(i)));
        }
        return s.toString();
    }
}
