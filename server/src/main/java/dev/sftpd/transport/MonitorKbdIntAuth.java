// The "keyboard-interactive" method: relays the monitor's PAM conversation to the client, one round at a time.
package dev.sftpd.transport;

import dev.sftpd.privsep.MonitorCalls;
import dev.sftpd.privsep.MonitorCalls.KbdIntStep;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.auth.UserAuthFactory;

final class MonitorKbdIntAuth extends MonitorAuth {
    static final String NAME = "keyboard-interactive";

    MonitorKbdIntAuth(MonitorCalls monitor) {
        super(NAME, monitor);
    }

    static UserAuthFactory factory(MonitorCalls monitor) {
        return factory(NAME, name -> new MonitorKbdIntAuth(monitor));
    }

    @Override
    protected Boolean doAuth(Buffer buffer, boolean init) throws Exception {
        if (init) {
            buffer.getString(); // language tag, deprecated (RFC 4256)
            String submethods = buffer.getString();
            if (PreauthSession.endsOnNul(getServerSession(), submethods)) {
                return Boolean.FALSE;
            }
            return step(monitor.kbdIntStart(getUsername(), getService(), submethods));
        }
        int type = buffer.getUByte();
        if (type != SshConstants.SSH_MSG_USERAUTH_INFO_RESPONSE) {
            return Boolean.FALSE;
        }
        int n = buffer.getInt();
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(buffer.getString());
        }
        if (PreauthSession.endsOnNul(getServerSession(), answers.toArray(String[]::new))) {
            return Boolean.FALSE;
        }
        return step(monitor.kbdIntRespond(answers));
    }

    /** Sends the next round of prompts (null: the exchange goes on) or gives the verdict. */
    private Boolean step(KbdIntStep step) throws IOException {
        if (step.query() == null) {
            return verdict(step.result());
        }
        MonitorCalls.KbdIntQuery q = step.query();
        Buffer request = getServerSession().createBuffer(SshConstants.SSH_MSG_USERAUTH_INFO_REQUEST, 256);
        request.putString(q.name());
        request.putString(q.instruction());
        request.putString(""); // language tag
        request.putInt(q.prompts().size());
        for (int i = 0; i < q.prompts().size(); i++) {
            request.putString(q.prompts().get(i));
            request.putBoolean(q.echo().get(i));
        }
        getServerSession().writePacket(request);
        return null;
    }
}
