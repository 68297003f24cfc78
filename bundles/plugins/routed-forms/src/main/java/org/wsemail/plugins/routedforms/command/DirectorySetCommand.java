package org.wsemail.plugins.routedforms.command;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.wsemail.api.Address;
import org.wsemail.plugins.routedforms.Organization;

@Command(scope = "wsemail", name = "directory-set",
        description = "Sets a user's directory record, which form plug-ins fill in for them (autofill) with their consent")
@Service
public class DirectorySetCommand implements Action {

    @Reference
    Organization organization;

    @Argument(index = 0, name = "address", description = "A user of this domain", required = true)
    String address;

    @Option(name = "--name")
    String name;

    @Option(name = "--title")
    String title;

    @Option(name = "--department")
    String department;

    @Option(name = "--employee-id")
    String employeeId;

    @Override
    public Object execute() {
        Map<String, String> fields = new LinkedHashMap<>();
        put(fields, "name", name);
        put(fields, "title", title);
        put(fields, "department", department);
        put(fields, "employee-id", employeeId);
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("give at least one of --name, --title, --department, --employee-id");
        }
        Address user = Address.parse(address);
        organization.setDirectory(user, fields);
        System.out.println(user + ": " + organization.directory(user));
        return null;
    }

    private static void put(Map<String, String> fields, String key, String value) {
        if (value != null) {
            fields.put(key, value);
        }
    }
}
