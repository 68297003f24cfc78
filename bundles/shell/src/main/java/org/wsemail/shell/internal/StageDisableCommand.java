package org.wsemail.shell.internal;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.wsemail.api.plugin.Stage;
import org.wsemail.shell.internal.completers.StageCompleter;

@Command(scope = "wsemail", name = "stage-disable",
        description = "Disables a whole stage: messages pass it untouched (extension calls are refused)")
@Service
public class StageDisableCommand extends PluginCommandSupport {

    @Argument(index = 0, name = "stage", description = "sending, delivery or extension", required = true)
    @Completion(StageCompleter.class)
    String stage;

    @Override
    public Object execute() {
        pluginAdmin.setStageEnabled(Stage.fromLabel(stage), false);
        System.out.println("Stage " + Stage.fromLabel(stage).label() + " disabled");
        return null;
    }
}
