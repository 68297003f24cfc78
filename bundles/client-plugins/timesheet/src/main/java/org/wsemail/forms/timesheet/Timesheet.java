package org.wsemail.forms.timesheet;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.wsemail.forms.spi.Directory;
import org.wsemail.forms.spi.Field;
import org.wsemail.forms.spi.Field.Kind;
import org.wsemail.forms.spi.FormType;

/**
 * The timesheet of the paper's Figure 6: who worked, in which pay period, regular, overtime and
 * paid-time-off hours and their total. Autofill takes name, title, department and employee number
 * from the user's directory record.
 */
@Component(service = FormType.class)
public class Timesheet implements FormType {
    private static final BigDecimal MOST_HOURS_A_WEEK = BigDecimal.valueOf(168);
    private static final List<String> HOURS = List.of("regular-hours", "overtime-hours", "pto-hours");
    private static final List<Field> FIELDS = List.of(
            Field.entered("name", "Name", Kind.TEXT, true),
            Field.entered("employee-id", "Employee number", Kind.TEXT, false),
            Field.entered("title", "Title", Kind.TEXT, false),
            Field.entered("department", "Department", Kind.TEXT, true),
            Field.entered("period-ending", "Pay period ending", Kind.DATE, true),
            Field.entered("regular-hours", "Regular hours", Kind.NUMBER, true),
            Field.entered("overtime-hours", "Overtime hours", Kind.NUMBER, false),
            Field.entered("pto-hours", "Paid time off hours", Kind.NUMBER, false),
            Field.computed("total-hours", "Total hours", Kind.NUMBER));

    @Override
    public String name() {
        return "timesheet";
    }

    @Override
    public String title() {
        return "Timesheet";
    }

    @Override
    public List<Field> fields() {
        return FIELDS;
    }

    @Override
    public Map<String, String> complete(Map<String, String> entered) {
        Map<String, String> data = entered(entered);
        BigDecimal total = BigDecimal.ZERO;
        for (String hours : HOURS) {
            total = total.add(number(data.get(hours)));
        }
        data.put("total-hours", total.stripTrailingZeros().toPlainString());
        return data;
    }

    @Override
    public List<String> validate(Map<String, String> data) {
        List<String> problems = new ArrayList<>(missing(data));
        try {
            if (data.containsKey("period-ending")) {
                LocalDate.parse(data.get("period-ending"));
            }
        } catch (DateTimeParseException e) {
            problems.add("Pay period ending is not a date like 2026-12-04: " + data.get("period-ending"));
        }
        for (String hours : HOURS) {
            try {
                BigDecimal value = number(data.get(hours));
                if (value.signum() < 0 || value.compareTo(MOST_HOURS_A_WEEK) > 0) {
                    problems.add(hours + " must lie between 0 and 168, not " + value.toPlainString());
                }
            } catch (NumberFormatException e) {
                problems.add(hours + " is not a number: " + data.get(hours));
            }
        }
        return problems;
    }

    @Override
    public boolean autofills() {
        return true;
    }

    @Override
    public Map<String, String> autofill(Directory directory) throws IOException {
        Map<String, String> record = directory.record();
        Map<String, String> filled = new LinkedHashMap<>();
        for (String field : List.of("name", "employee-id", "title", "department")) {
            if (record.containsKey(field)) {
                filled.put(field, record.get(field));
            }
        }
        return filled;
    }

    private static BigDecimal number(String text) {
        return text == null || text.isBlank() ? BigDecimal.ZERO : new BigDecimal(text.strip());
    }
}
