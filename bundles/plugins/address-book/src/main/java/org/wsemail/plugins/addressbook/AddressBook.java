package org.wsemail.plugins.addressbook;

import java.util.Locale;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Element;
import org.wsemail.api.Address;
import org.wsemail.api.ProcessingEnvironment;
import org.wsemail.api.plugin.ExtensionException;
import org.wsemail.api.plugin.ExtensionProcessor;
import org.wsemail.api.plugin.MailContext;
import org.wsemail.api.plugin.PluginStore;
import org.wsemail.api.plugin.PluginXml;
import org.wsemail.api.plugin.WsemailExtension;
import org.wsemail.api.plugin.WsemailPlugin;

/**
 * The domain's address book, through the {@code address-book} extension: {@code <list/>} and
 * {@code <search query="..."/>} answer with {@code <entries><entry address="..." name="..."/></entries>};
 * a user of the domain publishes their own entry with {@code <publish name="..."/>} and takes it back
 * with {@code <withdraw/>}. Nobody edits another's entry.
 *
 * <p>Each user's entry is their value under {@value #NAME} in the plug-in's store. Called concurrently.
 */
@Component(service = ExtensionProcessor.class, configurationPid = AddressBook.PID)
@WsemailPlugin(name = "address-book")
@WsemailExtension(id = "address-book")
@Designate(ocd = AddressBook.Config.class)
public class AddressBook implements ExtensionProcessor {
    static final String PID = "org.wsemail.plugins.addressbook";

    @ObjectClassDefinition(name = "WSEmail address book")
    public @interface Config {
        @AttributeDefinition(name = "Users may publish", description = "false makes the book read-only for users")
        boolean users_may_publish() default true;
    }

    /** The store key of a user's published name. */
    static final String NAME = "name";
    private static final int MAX_NAME = 200;
    private static final Logger LOG = LoggerFactory.getLogger(AddressBook.class);

    private final PluginStore store;
    private final boolean usersMayPublish;

    @Activate
    public AddressBook(Config config, @Reference MailContext context) {
        this.store = context.store();
        this.usersMayPublish = config.users_may_publish();
    }

    @Override
    public Element handle(Element request, ProcessingEnvironment env) throws ExtensionException {
        switch (String.valueOf(request.getLocalName())) {
            case "list":
                return answer("");
            case "search":
                return answer(request.getAttribute("query").toLowerCase(Locale.ROOT));
            case "publish":
                String name = request.getAttribute("name").strip();
                if (name.isEmpty() || name.length() > MAX_NAME) {
                    throw new ExtensionException(ExtensionException.BAD_REQUEST, "give a name of 1 to " + MAX_NAME + " characters");
                }
                store.put(ownAddress(env), NAME, name);
                LOG.info("{} published in the address book as '{}'", env.caller(), name);
                return answer(env.caller().toString().toLowerCase(Locale.ROOT));
            case "withdraw":
                store.remove(ownAddress(env), NAME);
                return answer(env.caller().toString().toLowerCase(Locale.ROOT));
            default:
                throw new ExtensionException(ExtensionException.BAD_REQUEST,
                        "send <list/>, <search query=\"...\"/>, <publish name=\"...\"/> or <withdraw/>");
        }
    }

    private Address ownAddress(ProcessingEnvironment env) throws ExtensionException {
        if (!env.isLocalUser()) {
            throw new ExtensionException(ExtensionException.NOT_AUTHORIZED, "only users of this domain have an entry here");
        }
        if (!usersMayPublish) {
            throw new ExtensionException(ExtensionException.NOT_AUTHORIZED, "this address book is kept by the administrator");
        }
        return env.caller();
    }

    /** The entries whose address or name contains the query (all for an empty one), by address. */
    private Element answer(String query) {
        Element list = PluginXml.answer("entries");
        for (Map.Entry<Address, String> published : store.values(NAME).entrySet()) {
            String address = published.getKey().toString();
            String name = published.getValue();
            if (address.toLowerCase(Locale.ROOT).contains(query) || name.toLowerCase(Locale.ROOT).contains(query)) {
                Element entry = PluginXml.add(list, "entry");
                entry.setAttribute("address", address);
                entry.setAttribute("name", name);
            }
        }
        return list;
    }
}
