package org.wsemail.shell.internal.completers;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.wsemail.api.plugin.Stage;

/** Completes stage labels: sending, delivery, extension. */
@Service
public class StageCompleter implements Completer {

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter labels = new StringsCompleter();
        for (Stage stage : Stage.values()) {
            labels.getStrings().add(stage.label());
        }
        return labels.complete(session, commandLine, candidates);
    }
}
