package org.wsemail.api.runtime;

import java.util.List;

import org.wsemail.api.plugin.Stage;

/**
 * One execution queue as it runs now. Immutable.
 *
 * @param stage the stage
 * @param enabled false when an administrator disabled the whole stage (messages then skip it)
 * @param chain the names of its enabled plug-ins in the order they run
 */
public record StageDTO(Stage stage, boolean enabled, List<String> chain) {

    public StageDTO {
        chain = List.copyOf(chain);
    }
}
