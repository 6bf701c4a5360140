package io.nommer.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TaskIdsTest {

    @ParameterizedTest
    @CsvSource({
        "job_01HX2Q9Z, 0, tsk_01HX2Q9Z_0",
        "job_a_b, 1012, tsk_a_b_1012",
        "j1, 3, tsk.j1_3",
        "job, 0, tsk.job_0",
        "x_job_y, 2, tsk.x_job_y_2",
    })
    void taskId_namesItsJob(String jobId, int index, String taskId) {
        assertThat(TaskIds.taskId(jobId, index)).isEqualTo(taskId);
        assertThat(TaskIds.jobIdOf(taskId)).isEqualTo(jobId);
    }

    @Test
    void jobIdsThatLookAlike_getDifferentTaskIds() {
        // "job_x" and "x" once both gave tsk_x_0
        assertThat(TaskIds.taskId("job_x", 0)).isNotEqualTo(TaskIds.taskId("x", 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tsk_unknown", "tsk_", "job_x_0", "tsk", "", "_1"})
    void jobIdOf_noTaskId_isNull(String notATaskId) {
        assertThat(TaskIds.jobIdOf(notATaskId)).isNull();
    }
}
