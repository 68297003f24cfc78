package org.wsemail.plugins.routedforms.command;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.wsemail.plugins.routedforms.ClientPluginLibrary;
import org.wsemail.plugins.routedforms.ClientPluginLibrary.Published;

@Command(scope = "wsemail", name = "client-plugin-publish",
        description = "Signs a client plug-in (a bundle offering form types) with this server's key and serves it to clients")
@Service
public class ClientPluginPublishCommand implements Action {

    @Reference
    ClientPluginLibrary library;

    @Argument(index = 0, name = "file", description = "The plug-in's jar", required = true)
    String file;

    @Override
    public Object execute() throws Exception {
        Path jar = Path.of(file);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no such file: " + file);
        }
        Published published = library.publish(jar);
        System.out.println("Published " + published.coordinates().symbolicName() + " " + published.coordinates().version() + " ("
                + String.join(", ", published.formTypes()) + ") at " + published.coordinates().location() + ", SHA-256 "
                + published.coordinates().sha256() + ", signed by " + published.coordinates().signer());
        return null;
    }
}
