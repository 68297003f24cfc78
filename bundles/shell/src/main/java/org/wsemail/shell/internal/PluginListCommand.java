package org.wsemail.shell.internal;

import java.util.stream.Collectors;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.wsemail.api.plugin.Stage;
import org.wsemail.api.runtime.PluginDTO;

@Command(scope = "wsemail", name = "plugin-list", description = "Lists the server plug-ins in running order")
@Service
public class PluginListCommand extends PluginCommandSupport {

    @Option(name = "--no-format", description = "Plain output without table borders, for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Stages");
        table.column("Priority").alignRight();
        table.column("Ranking").alignRight();
        table.column("Override").alignRight();
        table.column("Enabled");
        table.column("Calls").alignRight();
        table.column("Failures").alignRight();
        table.column("Bundle");
        table.column("Last error");
        for (PluginDTO p : pluginAdmin.plugins()) {
            table.addRow().addContent(p.name(),
                    p.stages().stream().sorted().map(Stage::label).collect(Collectors.joining(",")),
                    p.effectivePriority(), p.serviceRanking(),
                    p.priorityOverride() == null ? "-" : p.priorityOverride(),
                    p.enabled() ? "yes" : "no", p.calls(), p.failures(),
                    p.bundleSymbolicName() + " [" + p.bundleId() + "]",
                    p.lastError() == null ? "" : p.lastError());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
