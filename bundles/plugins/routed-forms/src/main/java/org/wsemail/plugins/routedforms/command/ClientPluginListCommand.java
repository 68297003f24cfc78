package org.wsemail.plugins.routedforms.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.wsemail.plugins.routedforms.ClientPluginLibrary;
import org.wsemail.plugins.routedforms.ClientPluginLibrary.Published;

@Command(scope = "wsemail", name = "client-plugin-list", description = "Lists the client plug-ins this domain publishes")
@Service
public class ClientPluginListCommand implements Action {

    @Reference
    ClientPluginLibrary library;

    @Option(name = "--no-format", description = "Plain output without table borders, for scripts")
    boolean noFormat;

    @Override
    public Object execute() throws Exception {
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Version");
        table.column("Form types");
        table.column("Size");
        table.column("SHA-256");
        table.column("Location");
        for (Published published : library.list()) {
            table.addRow().addContent(published.coordinates().symbolicName(), published.coordinates().version(),
                    String.join(", ", published.formTypes()), published.size(), published.coordinates().sha256(),
                    published.coordinates().location());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
