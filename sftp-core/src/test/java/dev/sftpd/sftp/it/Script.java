package dev.sftpd.sftp.it;

import java.util.ArrayList;
import java.util.List;

/** An ordered list of steps, numbered from 1 in reports; every script starts with INIT. */
final class Script {
    private final List<Step> steps = new ArrayList<>(List.of(Requests.init()));

    Script add(Step... more) {
        steps.addAll(List.of(more));
        return this;
    }

    List<Step> steps() {
        return List.copyOf(steps);
    }
}
