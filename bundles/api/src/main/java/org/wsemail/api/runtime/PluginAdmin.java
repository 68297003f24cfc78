package org.wsemail.api.runtime;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.wsemail.api.plugin.Stage;

/**
 * Orders, enables and disables plug-ins and stages at run time. Every change is in force for the
 * next message when the method returns, and is persisted through Configuration Admin so that it
 * survives a restart and a reinstall of the plug-in (it is kept under the plug-in's name).
 *
 * <p>Thread-safe.
 */
@ProviderType
public interface PluginAdmin {

    /** Every registered plug-in, by stage and then in running order. */
    List<PluginDTO> plugins();

    Optional<PluginDTO> plugin(String name);

    /** Every stage, in message order. */
    List<StageDTO> stages();

    /**
     * Overrides the plug-in's {@code service.ranking}.
     *
     * @throws IllegalArgumentException if no plug-in has that name
     */
    void setPriority(String name, int priority);

    /**
     * Removes the override; the plug-in goes back to its {@code service.ranking}.
     *
     * @throws IllegalArgumentException if no plug-in has that name
     */
    void clearPriority(String name);

    /**
     * Enables or disables one plug-in in every stage it serves.
     *
     * @throws IllegalArgumentException if no plug-in has that name
     */
    void setEnabled(String name, boolean enabled);

    /** Enables or disables a whole stage; a disabled stage lets messages through untouched. */
    void setStageEnabled(Stage stage, boolean enabled);
}
