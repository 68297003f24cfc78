package org.wsemail.plugins.routedforms.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;
import org.wsemail.plugins.routedforms.Organization;
import org.wsemail.plugins.routedforms.Organization.Filed;

@Command(scope = "wsemail", name = "form-records", description = "Lists the forms the receiving program filed or refused")
@Service
public class FormRecordsCommand implements Action {

    @Reference
    Organization organization;

    @Option(name = "--no-format", description = "Plain output without table borders, for scripts")
    boolean noFormat;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Form");
        table.column("When");
        table.column("What");
        for (Filed filed : organization.filed()) {
            table.addRow().addContent(filed.formId(), filed.at(), filed.line());
        }
        table.print(System.out, !noFormat);
        return null;
    }
}
