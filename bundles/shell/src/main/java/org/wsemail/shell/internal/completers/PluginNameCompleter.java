package org.wsemail.shell.internal.completers;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.wsemail.api.runtime.PluginAdmin;
import org.wsemail.api.runtime.PluginDTO;

/** Completes the names of the plug-ins running now. */
@Service
public class PluginNameCompleter implements Completer {

    @Reference
    PluginAdmin pluginAdmin;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        for (PluginDTO plugin : pluginAdmin.plugins()) {
            names.getStrings().add(plugin.name());
        }
        return names.complete(session, commandLine, candidates);
    }
}
