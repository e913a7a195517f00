/// The schema's history. Append new migrations at the end; never edit a shipped one.
enum Migrations {
    static let all: [Migration] = [
        trackingTables,
        registryTables,
        deploymentTables,
        predictionLogTables,
        rolloutTable,
        tokenTable,
        binaryPredictionFrames,
        feedbackByTime,
        monitoringTables,
        predictionOutcomesIndex,
    ]

    static let trackingTables = Migration(name: "0001_tracking_tables", statements: [
        """
        CREATE TABLE id_sequences (
            name {text} PRIMARY KEY,
            next_value BIGINT NOT NULL)
        """,
        """
        CREATE TABLE experiments (
            experiment_id BIGINT PRIMARY KEY,
            name {text} NOT NULL UNIQUE,
            artifact_location {text} NOT NULL,
            lifecycle_stage {text} NOT NULL,
            creation_time BIGINT NOT NULL,
            last_update_time BIGINT NOT NULL,
            deleted_time BIGINT)
        """,
        """
        CREATE TABLE experiment_tags (
            experiment_id BIGINT NOT NULL,
            key {text} NOT NULL,
            value {text} NOT NULL,
            PRIMARY KEY (experiment_id, key))
        """,
        """
        CREATE TABLE runs (
            run_id {text} PRIMARY KEY,
            experiment_id BIGINT NOT NULL,
            name {text} NOT NULL,
            user_id {text} NOT NULL,
            status {text} NOT NULL,
            start_time BIGINT NOT NULL,
            end_time BIGINT,
            artifact_uri {text} NOT NULL,
            lifecycle_stage {text} NOT NULL,
            deleted_time BIGINT)
        """,
        // The default order of run searches, so a page is read off the index without sorting.
        "CREATE INDEX runs_by_experiment ON runs (experiment_id, start_time DESC, run_id)",
        """
        CREATE TABLE params (
            run_id {text} NOT NULL,
            key {text} NOT NULL,
            value {text} NOT NULL,
            PRIMARY KEY (run_id, key)){clustered}
        """,
        """
        CREATE TABLE run_tags (
            run_id {text} NOT NULL,
            key {text} NOT NULL,
            value {text} NOT NULL,
            PRIMARY KEY (run_id, key)){clustered}
        """,
        """
        CREATE TABLE metrics (
            run_id {text} NOT NULL,
            key {text} NOT NULL,
            value {double} NOT NULL,
            is_nan INTEGER NOT NULL,
            timestamp BIGINT NOT NULL,
            step BIGINT NOT NULL,
            model_id {text} NOT NULL,
            dataset_name {text},
            dataset_digest {text},
            PRIMARY KEY (run_id, key, timestamp, step, value, is_nan, model_id)){clustered}
        """,
        // Values arrive in time order, so new rows land at the end of their key's range and a
        // batch dirties few pages; history reads in the same order.
        "CREATE INDEX metrics_by_model ON metrics (model_id, key) WHERE model_id <> ''",
        """
        CREATE TABLE latest_metrics (
            run_id {text} NOT NULL,
            key {text} NOT NULL,
            value {double} NOT NULL,
            is_nan INTEGER NOT NULL,
            timestamp BIGINT NOT NULL,
            step BIGINT NOT NULL,
            PRIMARY KEY (run_id, key)){clustered}
        """,
        // Searches filter and order runs by a metric's latest value straight off this index.
        "CREATE INDEX latest_metrics_by_value ON latest_metrics (key, is_nan, value, run_id)",
        """
        CREATE TABLE datasets (
            dataset_id {text} PRIMARY KEY,
            experiment_id BIGINT NOT NULL,
            name {text} NOT NULL,
            digest {text} NOT NULL,
            source_type {text} NOT NULL,
            source {text} NOT NULL,
            schema {text},
            profile {text},
            UNIQUE (experiment_id, name, digest))
        """,
        """
        CREATE TABLE run_dataset_inputs (
            run_id {text} NOT NULL,
            dataset_id {text} NOT NULL,
            context {text},
            tags {text} NOT NULL,
            PRIMARY KEY (run_id, dataset_id))
        """,
        """
        CREATE TABLE run_model_inputs (
            run_id {text} NOT NULL,
            model_id {text} NOT NULL,
            PRIMARY KEY (run_id, model_id))
        """,
        """
        CREATE TABLE run_model_outputs (
            run_id {text} NOT NULL,
            model_id {text} NOT NULL,
            step BIGINT NOT NULL,
            PRIMARY KEY (run_id, model_id))
        """,
        """
        CREATE TABLE logged_models (
            model_id {text} PRIMARY KEY,
            experiment_id BIGINT NOT NULL,
            name {text} NOT NULL,
            artifact_uri {text} NOT NULL,
            status {text} NOT NULL,
            status_message {text},
            model_type {text},
            source_run_id {text},
            creation_timestamp_ms BIGINT NOT NULL,
            last_updated_timestamp_ms BIGINT NOT NULL,
            lifecycle_stage {text} NOT NULL)
        """,
        "CREATE INDEX logged_models_by_experiment ON logged_models (experiment_id, creation_timestamp_ms)",
        """
        CREATE TABLE logged_model_tags (
            model_id {text} NOT NULL,
            key {text} NOT NULL,
            value {text} NOT NULL,
            PRIMARY KEY (model_id, key))
        """,
        """
        CREATE TABLE logged_model_params (
            model_id {text} NOT NULL,
            key {text} NOT NULL,
            value {text} NOT NULL,
            PRIMARY KEY (model_id, key))
        """,
    ])

    static let registryTables = Migration(name: "0002_registry_tables", statements: [
        """
        CREATE TABLE registered_models (
            name {text} PRIMARY KEY,
            creation_timestamp BIGINT NOT NULL,
            last_updated_timestamp BIGINT NOT NULL,
            description {text})
        """,
        """
        CREATE TABLE registered_model_tags (
            name {text} NOT NULL,
            key {text} NOT NULL,
            value {text} NOT NULL,
            PRIMARY KEY (name, key))
        """,
        """
        CREATE TABLE registered_model_aliases (
            name {text} NOT NULL,
            alias {text} NOT NULL,
            version BIGINT NOT NULL,
            PRIMARY KEY (name, alias))
        """,
        """
        CREATE TABLE model_versions (
            name {text} NOT NULL,
            version BIGINT NOT NULL,
            creation_timestamp BIGINT NOT NULL,
            last_updated_timestamp BIGINT NOT NULL,
            description {text},
            user_id {text},
            current_stage {text} NOT NULL,
            source {text} NOT NULL,
            run_id {text},
            run_link {text},
            status {text} NOT NULL,
            status_message {text},
            storage_location {text},
            model_id {text},
            PRIMARY KEY (name, version))
        """,
        """
        CREATE TABLE model_version_tags (
            name {text} NOT NULL,
            version BIGINT NOT NULL,
            key {text} NOT NULL,
            value {text} NOT NULL,
            PRIMARY KEY (name, version, key))
        """,
    ])

    static let deploymentTables = Migration(name: "0003_deployment_tables", statements: [
        """
        CREATE TABLE deployments (
            name {text} PRIMARY KEY,
            active_revision BIGINT,
            creation_time BIGINT NOT NULL,
            last_update_time BIGINT NOT NULL)
        """,
        // spec: the policy as applied (JSON); resolved: the model versions it named, aliases
        // resolved when the revision was made (JSON).
        """
        CREATE TABLE deployment_revisions (
            deployment {text} NOT NULL,
            revision BIGINT NOT NULL,
            spec {text} NOT NULL,
            resolved {text} NOT NULL,
            state {text} NOT NULL,
            message {text},
            creation_time BIGINT NOT NULL,
            PRIMARY KEY (deployment, revision))
        """,
        // Everything that happened to a deployment, with the numbers behind each decision.
        """
        CREATE TABLE deployment_events (
            deployment {text} NOT NULL,
            sequence BIGINT NOT NULL,
            revision BIGINT,
            kind {text} NOT NULL,
            message {text} NOT NULL,
            details {text},
            time BIGINT NOT NULL,
            PRIMARY KEY (deployment, sequence))
        """,
    ])

    static let predictionLogTables = Migration(name: "0004_prediction_log", statements: [
        // One row per prediction a variant or shadow made; a request's rows share its id.
        // inputs/outputs: {"columns": [...], "data": [[...], ...]} (JSON; bytes since 0007).
        """
        CREATE TABLE predictions (
            request_id {text} NOT NULL,
            variant {text} NOT NULL,
            deployment {text} NOT NULL,
            revision BIGINT NOT NULL,
            model_name {text} NOT NULL,
            model_version BIGINT NOT NULL,
            is_shadow BIGINT NOT NULL,
            status {text} NOT NULL,
            error {text},
            row_count BIGINT NOT NULL,
            inputs {text} NOT NULL,
            outputs {text},
            predicted_label {text},
            latency_ms {double} NOT NULL,
            time BIGINT NOT NULL,
            PRIMARY KEY (deployment, request_id, variant))
        """,
        "CREATE INDEX predictions_by_deployment_time ON predictions (deployment, time)",
        // Ground truth or reward for a request, arriving later; the latest word wins.
        """
        CREATE TABLE prediction_feedback (
            deployment {text} NOT NULL,
            request_id {text} NOT NULL,
            label {text},
            reward {double},
            time BIGINT NOT NULL,
            PRIMARY KEY (deployment, request_id))
        """,
    ])

    // The progress of a deployment's canary rollout (JSON, owned by the serving domain), so a
    // restarted server resumes it where it was.
    static let rolloutTable = Migration(name: "0005_deployment_rollouts", statements: [
        """
        CREATE TABLE deployment_rollouts (
            deployment {text} NOT NULL,
            revision BIGINT NOT NULL,
            state {text} NOT NULL,
            last_update_time BIGINT NOT NULL,
            PRIMARY KEY (deployment, revision))
        """,
    ])

    // API tokens: only a SHA-256 of each token is kept; the token itself is shown once.
    static let tokenTable = Migration(name: "0006_api_tokens", statements: [
        """
        CREATE TABLE api_tokens (
            id {text} PRIMARY KEY,
            name {text} NOT NULL,
            scope {text} NOT NULL,
            token_hash {text} NOT NULL UNIQUE,
            creation_time BIGINT NOT NULL,
            revoked_time BIGINT)
        """,
    ])

    // Logged inputs and outputs become bytes (the serving domain's frame encoding) instead
    // of JSON text. Rows logged before keep their JSON, now as its UTF-8 bytes, and still
    // read back. SQLite stores a blob in a TEXT column as it is: nothing to change there.
    // Servers of an earlier version cannot read or write the log afterwards: upgrade all of
    // a database's servers together (on a large PostgreSQL log the ALTER rewrites the table).
    static let binaryPredictionFrames = Migration(name: "0007_binary_prediction_frames", statements: [
        "ALTER TABLE predictions ALTER COLUMN inputs TYPE BYTEA USING convert_to(inputs, 'UTF8')",
        "ALTER TABLE predictions ALTER COLUMN outputs TYPE BYTEA USING convert_to(outputs, 'UTF8')",
    ], only: .postgres)

    // Rollout analysis reads the feedback a step has received, from the feedback's side:
    // the step's predictions can number hundreds of thousands, its feedback far fewer.
    static let feedbackByTime = Migration(name: "0008_feedback_by_time", statements: [
        "CREATE INDEX prediction_feedback_by_time ON prediction_feedback (deployment, time)",
    ])

    // Monitors and alerts. Specs and alert state are JSON owned by the monitoring domain.
    // A monitor's next_run_time is its lease: a server claims a due monitor by moving it
    // forward in one UPDATE, so replicas sharing a database never evaluate it twice.
    static let monitoringTables = Migration(name: "0009_monitoring", statements: [
        """
        CREATE TABLE monitors (
            name {text} PRIMARY KEY,
            deployment {text} NOT NULL,
            kind {text} NOT NULL,
            spec {text} NOT NULL,
            interval_ms BIGINT NOT NULL,
            next_run_time BIGINT NOT NULL,
            creation_time BIGINT NOT NULL,
            last_update_time BIGINT NOT NULL)
        """,
        // One row per evaluation: its window, outcome and full result.
        """
        CREATE TABLE monitor_evaluations (
            monitor {text} NOT NULL,
            time BIGINT NOT NULL,
            window_start BIGINT NOT NULL,
            window_end BIGINT NOT NULL,
            row_count BIGINT NOT NULL,
            status {text} NOT NULL,
            message {text},
            result {text} NOT NULL,
            PRIMARY KEY (monitor, time)){clustered}
        """,
        // The evaluation's numbers as time series (metric, and the feature or slice it is
        // about, '' for the whole window), for charts and alert rules.
        """
        CREATE TABLE monitor_points (
            monitor {text} NOT NULL,
            metric {text} NOT NULL,
            series {text} NOT NULL,
            time BIGINT NOT NULL,
            value {double} NOT NULL,
            PRIMARY KEY (monitor, metric, series, time)){clustered}
        """,
        """
        CREATE TABLE alert_rules (
            name {text} PRIMARY KEY,
            spec {text} NOT NULL,
            state {text},
            creation_time BIGINT NOT NULL,
            last_update_time BIGINT NOT NULL)
        """,
        // Every state change of every alert (pending, firing, resolved), and each
        // notification sent, for `capstan alerts history`.
        """
        CREATE TABLE alert_events (
            rule {text} NOT NULL,
            fingerprint {text} NOT NULL,
            labels {text} NOT NULL,
            kind {text} NOT NULL,
            value {double},
            message {text},
            time BIGINT NOT NULL,
            PRIMARY KEY (rule, fingerprint, time, kind))
        """,
        "CREATE INDEX alert_events_by_time ON alert_events (time)",
    ])

    // Operational monitors read a window's outcomes (status, latency) alone: with them in the
    // index, a million predictions are read from the index without visiting the table's rows
    // and their logged frames. It replaces the (deployment, time) index, its prefix.
    static let predictionOutcomesIndex = Migration(name: "0010_prediction_outcomes_index", statements: [
        "CREATE INDEX predictions_outcomes ON predictions (deployment, time, is_shadow, variant, status, latency_ms)",
        "DROP INDEX predictions_by_deployment_time",
    ])
}
