package dev.shipyard.activities.builds;

import dev.shipyard.workflows.builds.BuildRecordActivities;
import dev.shipyard.workflows.builds.BuildResults;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/** The build row's short writes. */
public class BuildRecordActivitiesImpl implements BuildRecordActivities {

  private final JdbcTemplate jdbc;

  public BuildRecordActivitiesImpl(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public void recordPartial(String taskId, BuildResults results) {
    jdbc.update(
        "UPDATE builds SET results = CAST(? AS jsonb) WHERE task_id = ? AND results IS NULL",
        BuildResultsJson.write(results),
        UUID.fromString(taskId));
  }
}
