package org.wsemail.shell.internal;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.wsemail.api.runtime.StageDTO;

@Command(scope = "wsemail", name = "stage-list",
        description = "Lists the execution stages and the plug-ins that run in each, in order")
@Service
public class StageListCommand extends PluginCommandSupport {

    @Option(name = "--no-format", description = "Plain output without table borders, for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Stage");
        table.column("Enabled");
        table.column("Chain (in running order)");
        for (StageDTO stage : pluginAdmin.stages()) {
            table.addRow().addContent(stage.stage().label(), stage.enabled() ? "yes" : "no",
                    stage.chain().isEmpty() ? "-" : String.join(" -> ", stage.chain()));
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
