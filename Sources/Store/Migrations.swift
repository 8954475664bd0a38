import Foundation

/// The schema, as forward-only versioned migrations. A migration is never edited once it has
/// shipped: change the schema by appending a new one.
public enum Migrations {
    public struct Migration: Sendable {
        public var version: Int
        public var name: String
        public var sql: String

        /// The statements of `sql`, one per entry: the extended query protocol takes one at a
        /// time. Statements end with `;` at the end of a line (no migration uses `;` elsewhere).
        public var statements: [String] {
            sql.components(separatedBy: ";\n").compactMap { chunk in
                let code = chunk.split(separator: "\n").filter {
                    !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--")
                }.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
                return code.isEmpty ? nil : code.hasSuffix(";") ? String(code.dropLast()) : code
            }
        }
    }

    public static let all: [Migration] = [
        Migration(version: 1, name: "tenancy, accounts, contacts, threads, messages, events, jobs", sql: v1),
        Migration(version: 2, name: "sending: outbox, templates, suppressions, stored media", sql: v2),
        Migration(version: 3, name: "search: message embeddings (pgvector HNSW) and full text", sql: v3),
        Migration(version: 4, name: "search: half-precision HNSW graph (m 24, ef_construction 100)", sql: v4),
        Migration(version: 5, name: "extract: catalogs, insight settings, thread BANT", sql: v5),
        Migration(version: 6, name: "media text: the text inside inbound images and documents, searchable", sql: v6),
        Migration(version: 7, name: "assist: per-organization LLM settings and daily usage", sql: v7),
        Migration(version: 8, name: "assist: versioned thread summaries", sql: v8),
        Migration(version: 9, name: "assist: knowledge snippets", sql: v9),
        Migration(version: 10, name: "assist: reply drafts and their use", sql: v10),
    ]

    static let v1 = """
        CREATE TABLE organizations (
            id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            name        text NOT NULL,
            created_at  timestamptz NOT NULL DEFAULT now()
        );

        -- API keys: only a SHA-256 of the key is kept; the key is shown once at creation.
        CREATE TABLE api_keys (
            id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
            name            text NOT NULL DEFAULT 'default',
            key_prefix      text NOT NULL,
            key_hash        bytea NOT NULL UNIQUE,
            created_at      timestamptz NOT NULL DEFAULT now(),
            last_used_at    timestamptz,
            revoked_at      timestamptz
        );
        CREATE INDEX api_keys_organization ON api_keys (organization_id);

        -- A connected business phone number. The access token is AES-GCM sealed under the master key.
        CREATE TABLE whatsapp_accounts (
            id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            organization_id      uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
            phone_number_id      text NOT NULL UNIQUE,
            waba_id              text NOT NULL,
            display_phone_number text,
            access_token_enc     bytea NOT NULL,
            provider             text NOT NULL DEFAULT 'meta',
            verified_at          timestamptz,
            status               text NOT NULL DEFAULT 'active',
            created_at           timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX whatsapp_accounts_waba ON whatsapp_accounts (waba_id);
        CREATE INDEX whatsapp_accounts_organization ON whatsapp_accounts (organization_id);

        -- A WhatsApp user as the organization knows them. Identity is the phone-based wa_id when
        -- Meta gives one, else the business-scoped user id (BSUID).
        CREATE TABLE whatsapp_contacts (
            id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            organization_id     uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
            wa_id               text,
            user_id             text,
            contact_id          uuid,
            profile_name        text,
            profile_seen_at     timestamptz,
            opt_in_status       text NOT NULL DEFAULT 'unknown'
                                CHECK (opt_in_status IN ('unknown', 'opted_in', 'opted_out')),
            marketing_opted_out boolean NOT NULL DEFAULT false,
            do_not_contact      boolean NOT NULL DEFAULT false,
            last_seen_at        timestamptz,
            created_at          timestamptz NOT NULL DEFAULT now(),
            CHECK (wa_id IS NOT NULL OR user_id IS NOT NULL)
        );
        CREATE UNIQUE INDEX whatsapp_contacts_wa_id ON whatsapp_contacts (wa_id, organization_id)
            WHERE wa_id IS NOT NULL;
        CREATE UNIQUE INDEX whatsapp_contacts_bsuid ON whatsapp_contacts (user_id, organization_id)
            WHERE wa_id IS NULL;
        CREATE INDEX whatsapp_contacts_user_id ON whatsapp_contacts (organization_id, user_id)
            WHERE user_id IS NOT NULL;

        -- Consent audit trail: every opt-in or opt-out, where it came from, and when.
        CREATE TABLE consent_events (
            id              bigserial PRIMARY KEY,
            organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
            contact_id      uuid NOT NULL REFERENCES whatsapp_contacts(id) ON DELETE CASCADE,
            scope           text NOT NULL CHECK (scope IN ('all', 'marketing')),
            status          text NOT NULL CHECK (status IN ('opted_in', 'opted_out')),
            source          text NOT NULL,
            source_ref      text NOT NULL,
            detail          text,
            occurred_at     timestamptz NOT NULL,
            recorded_at     timestamptz NOT NULL DEFAULT now(),
            UNIQUE (organization_id, contact_id, source, source_ref)
        );
        CREATE INDEX consent_events_contact ON consent_events (contact_id, occurred_at DESC);

        CREATE TABLE whatsapp_threads (
            id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            organization_id        uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
            account_id             uuid NOT NULL REFERENCES whatsapp_accounts(id) ON DELETE CASCADE,
            contact_id             uuid NOT NULL REFERENCES whatsapp_contacts(id) ON DELETE CASCADE,
            lead_id                uuid,
            last_msg_at            timestamptz,
            last_inbound_at        timestamptz,
            care_window_expires_at timestamptz,
            is_open                boolean NOT NULL DEFAULT true,
            created_at             timestamptz NOT NULL DEFAULT now()
        );
        CREATE UNIQUE INDEX whatsapp_threads_open ON whatsapp_threads (organization_id, account_id, contact_id)
            WHERE is_open;
        CREATE INDEX whatsapp_threads_recent ON whatsapp_threads (organization_id, last_msg_at DESC);

        -- Every message, inbound and outbound, every type. payload is the message object as Meta
        -- sent it; the columns are what the API and the stages read.
        CREATE TABLE whatsapp_messages (
            id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            organization_id      uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
            thread_id            uuid REFERENCES whatsapp_threads(id) ON DELETE CASCADE,
            provider_msg_id      text NOT NULL,
            direction            text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
            type                 text NOT NULL,
            text                 text,
            original_text        text,
            media_id             text,
            payload              jsonb NOT NULL,
            payload_sha256       bytea NOT NULL,
            context_msg_id       text,
            target_msg_id        text,
            reaction             text,
            edited_at            timestamptz,
            revoked_at           timestamptz,
            status               text,
            status_rank          smallint NOT NULL DEFAULT 0,
            sent_at              timestamptz NOT NULL,
            delivered_at         timestamptz,
            read_at              timestamptz,
            failed_at            timestamptz,
            error_code           integer,
            error_detail         text,
            ai_language          text,
            ai_language_confidence real,
            ai_intent            text,
            ai_intent_confidence real,
            ai_sentiment         text,
            ai_sentiment_score   real,
            ai_entities_json     jsonb,
            ai_extra             jsonb,
            webhook_event_id     bigint,
            created_at           timestamptz NOT NULL DEFAULT now(),
            UNIQUE (organization_id, provider_msg_id)
        );
        CREATE INDEX whatsapp_messages_thread ON whatsapp_messages (thread_id, sent_at DESC);
        CREATE INDEX whatsapp_messages_target ON whatsapp_messages (organization_id, target_msg_id)
            WHERE target_msg_id IS NOT NULL;

        -- Status history: one row per (message, status), whatever order they arrive in.
        CREATE TABLE whatsapp_message_statuses (
            id                      bigserial PRIMARY KEY,
            organization_id         uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
            provider_msg_id         text NOT NULL,
            status                  text NOT NULL,
            status_rank             smallint NOT NULL,
            occurred_at             timestamptz NOT NULL,
            recipient_id            text,
            recipient_user_id       text,
            recipient_type          text,
            conversation_id         text,
            conversation_origin     text,
            conversation_expires_at timestamptz,
            pricing_model           text,
            pricing_category        text,
            pricing_type            text,
            billable                boolean,
            error_code              integer,
            error_detail            text,
            errors                  jsonb,
            payload                 jsonb NOT NULL,
            payload_sha256          bytea NOT NULL,
            webhook_event_id        bigint,
            UNIQUE (organization_id, provider_msg_id, status)
        );

        CREATE TABLE media_blobs (
            id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            organization_id   uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
            provider_media_id text NOT NULL,
            storage_url       text,
            mime_type         text,
            sha256            text,
            size              bigint,
            expires_at        timestamptz,
            downloaded_at     timestamptz,
            created_at        timestamptz NOT NULL DEFAULT now(),
            UNIQUE (organization_id, provider_media_id)
        );

        -- Account-level notifications (account_update, template status and quality, calls,
        -- user_preferences, unknown fields ...), kept whole.
        CREATE TABLE whatsapp_account_events (
            id               bigserial PRIMARY KEY,
            organization_id  uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
            waba_id          text,
            phone_number_id  text,
            field            text NOT NULL,
            event            text,
            occurred_at      timestamptz,
            payload          jsonb NOT NULL,
            payload_sha256   bytea NOT NULL,
            webhook_event_id bigint,
            UNIQUE (organization_id, field, payload_sha256)
        );

        -- Raw webhook bodies, AES-GCM sealed, stored before the 200. Identical re-deliveries
        -- collapse on the body hash.
        CREATE TABLE webhook_events (
            id              bigserial PRIMARY KEY,
            body_sha256     bytea NOT NULL UNIQUE,
            payload_enc     bytea NOT NULL,
            received_at     timestamptz NOT NULL DEFAULT now(),
            organization_id uuid REFERENCES organizations(id) ON DELETE SET NULL,
            state           text NOT NULL DEFAULT 'pending'
                            CHECK (state IN ('pending', 'processed', 'partial', 'unrouted', 'unparseable')),
            note            text,
            processed_at    timestamptz
        );
        CREATE INDEX webhook_events_unrouted ON webhook_events (id) WHERE state IN ('unrouted', 'partial');

        -- The work queue, shared by every wainsight process (FOR UPDATE SKIP LOCKED).
        CREATE TABLE jobs (
            id              bigserial PRIMARY KEY,
            kind            text NOT NULL,
            ref_id          bigint,
            ref_uuid        uuid,
            organization_id uuid REFERENCES organizations(id) ON DELETE CASCADE,
            state           text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'dead')),
            run_at          timestamptz NOT NULL DEFAULT now(),
            locked_until    timestamptz,
            attempts        integer NOT NULL DEFAULT 0,
            last_error      text,
            created_at      timestamptz NOT NULL DEFAULT now(),
            finished_at     timestamptz
        );
        CREATE INDEX jobs_ready ON jobs (run_at, id) WHERE state = 'queued';
        CREATE INDEX jobs_leased ON jobs (locked_until) WHERE state = 'running';

        -- Which pipeline stages have run on which message, and how their failures went.
        CREATE TABLE message_stage_runs (
            organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
            message_id      uuid NOT NULL REFERENCES whatsapp_messages(id) ON DELETE CASCADE,
            stage           text NOT NULL,
            state           text NOT NULL CHECK (state IN ('done', 'failed')),
            attempts        integer NOT NULL DEFAULT 0,
            last_error      text,
            updated_at      timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (message_id, stage)
        );
        """

    static let v2 = """
        -- Per-number throughput cap in messages per second; NULL takes WAINSIGHT_MESSAGES_PER_SECOND.
        ALTER TABLE whatsapp_accounts ADD COLUMN messages_per_second real CHECK (messages_per_second > 0);

        -- Message templates of each WABA, from sync and template webhooks.
        CREATE TABLE whatsapp_templates (
            id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            organization_id      uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
            waba_id              text NOT NULL,
            provider_template_id text,
            name                 text NOT NULL,
            language             text NOT NULL,
            status               text NOT NULL,
            category             text,
            parameter_format     text,
            components           jsonb NOT NULL DEFAULT '[]',
            quality_score        text,
            rejected_reason      text,
            status_changed_at    timestamptz,
            synced_at            timestamptz,
            updated_at           timestamptz NOT NULL DEFAULT now(),
            UNIQUE (organization_id, waba_id, name, language)
        );
        CREATE INDEX whatsapp_templates_provider_id ON whatsapp_templates (organization_id, provider_template_id);

        -- Recipients (wa_id or BSUID) the organization never messages, whatever their consent says.
        CREATE TABLE whatsapp_suppressions (
            organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
            recipient       text NOT NULL,
            reason          text NOT NULL,
            created_at      timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (organization_id, recipient)
        );

        -- Every message someone asked to send, stored before it is sent, until it is sent,
        -- failed with a reason, or dead-lettered.
        CREATE TABLE outbox_messages (
            id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            organization_id   uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
            account_id        uuid NOT NULL REFERENCES whatsapp_accounts(id) ON DELETE CASCADE,
            thread_id         uuid NOT NULL REFERENCES whatsapp_threads(id) ON DELETE CASCADE,
            contact_id        uuid NOT NULL REFERENCES whatsapp_contacts(id) ON DELETE CASCADE,
            recipient         text NOT NULL,
            kind              text NOT NULL CHECK (kind IN ('text', 'template')),
            template_name     text,
            template_language text,
            template_category text,
            body              jsonb NOT NULL,
            request_sha256    bytea NOT NULL,
            idempotency_key   text,
            state             text NOT NULL DEFAULT 'queued'
                              CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'dead')),
            attempts          integer NOT NULL DEFAULT 0,
            reclaims          integer NOT NULL DEFAULT 0,
            next_attempt_at   timestamptz NOT NULL DEFAULT now(),
            locked_until      timestamptz,
            provider_msg_id   text,
            delivery_status   text,
            delivery_rank     smallint NOT NULL DEFAULT 0,
            error_code        integer,
            error_message     text,
            last_error        text,
            created_at        timestamptz NOT NULL DEFAULT now(),
            sent_at           timestamptz,
            finished_at       timestamptz,
            updated_at        timestamptz NOT NULL DEFAULT now(),
            UNIQUE (organization_id, idempotency_key)
        );
        CREATE INDEX outbox_due ON outbox_messages (account_id, next_attempt_at) WHERE state = 'queued';
        CREATE INDEX outbox_leased ON outbox_messages (locked_until) WHERE state = 'sending';
        CREATE UNIQUE INDEX outbox_wamid ON outbox_messages (organization_id, provider_msg_id)
            WHERE provider_msg_id IS NOT NULL;
        CREATE INDEX outbox_dead ON outbox_messages (organization_id, finished_at) WHERE state = 'dead';
        CREATE INDEX outbox_thread ON outbox_messages (thread_id, created_at DESC);

        -- Media files kept under WAINSIGHT_MEDIA_DIR: inbound media fetched from the provider and
        -- files uploaded through the API (which may have no provider id yet).
        ALTER TABLE media_blobs ALTER COLUMN provider_media_id DROP NOT NULL;
        ALTER TABLE media_blobs ADD COLUMN account_id uuid REFERENCES whatsapp_accounts(id) ON DELETE SET NULL;
        ALTER TABLE media_blobs ADD COLUMN direction text NOT NULL DEFAULT 'inbound'
            CHECK (direction IN ('inbound', 'outbound'));
        ALTER TABLE media_blobs ADD COLUMN filename text;
        ALTER TABLE media_blobs ADD COLUMN storage_path text;
        ALTER TABLE media_blobs ADD COLUMN download_error text;
        """

    static let v3 = """
        CREATE EXTENSION IF NOT EXISTS vector;

        -- One sentence embedding per message (of its PII-redacted text), for semantic search. The
        -- columns search filters on are copied here, so the HNSW scan filters as it goes
        -- (pgvector 0.8 iterative scans) instead of after a join.
        CREATE TABLE message_embeddings (
            message_id      uuid PRIMARY KEY REFERENCES whatsapp_messages(id) ON DELETE CASCADE,
            organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
            thread_id       uuid,
            contact_id      uuid,
            direction       text NOT NULL,
            sent_at         timestamptz NOT NULL,
            model           text NOT NULL,
            embedding       vector(384) NOT NULL,
            created_at      timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX message_embeddings_hnsw ON message_embeddings USING hnsw (embedding vector_cosine_ops);
        CREATE INDEX message_embeddings_organization ON message_embeddings (organization_id, sent_at);

        -- Full text for the lexical half of hybrid search: 'simple' (no stemming), as messages
        -- come in every language.
        ALTER TABLE whatsapp_messages ADD COLUMN search_text tsvector
            GENERATED ALWAYS AS (to_tsvector('simple', coalesce(text, ''))) STORED;
        CREATE INDEX whatsapp_messages_search ON whatsapp_messages USING gin (search_text);
        """

    /// scripts/bench-search at 1M vectors: the full-precision graph (m 16, ef_construction 64)
    /// needed ef_search 400 for recall@10 0.965 at p99 22 ms. A graph over half-precision copies
    /// (half the bytes to walk, 1.2 GB at 1M) with m 24 reached recall@10 0.960 at p99 9 ms with
    /// ef_search 200 (with Postgres's shared_buffers holding it). The column keeps full
    /// precision: scores and the final ranking are computed from it.
    static let v4 = """
        DROP INDEX IF EXISTS message_embeddings_hnsw;
        CREATE INDEX message_embeddings_hnsw ON message_embeddings
            USING hnsw ((embedding::halfvec(384)) halfvec_cosine_ops) WITH (m = 24, ef_construction = 100);
        """

    /// Products and competitors the extract stage matches, each organization's insight
    /// settings, and the thread-level BANT conclusion.
    static let v5 = """
        CREATE TABLE catalog_items (
            id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
            kind            text NOT NULL CHECK (kind IN ('product', 'competitor')),
            name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            aliases         text[] NOT NULL DEFAULT '{}',
            sku             text,
            list_price      numeric(18, 4) CHECK (list_price >= 0),
            currency        text CHECK (currency ~ '^[A-Z]{3}$'),
            created_at      timestamptz NOT NULL DEFAULT now()
        );
        CREATE UNIQUE INDEX catalog_items_name ON catalog_items (organization_id, kind, lower(name));
        ALTER TABLE organizations
            ADD COLUMN time_zone text,
            ADD COLUMN bant_engaged_threshold double precision NOT NULL DEFAULT 0.25
                CHECK (bant_engaged_threshold BETWEEN 0 AND 1),
            ADD COLUMN bant_qualified_threshold double precision NOT NULL DEFAULT 0.55
                CHECK (bant_qualified_threshold BETWEEN 0 AND 1),
            ADD CONSTRAINT organizations_bant_order CHECK (bant_engaged_threshold <= bant_qualified_threshold);
        ALTER TABLE whatsapp_threads
            ADD COLUMN ai_bant_json jsonb,
            ADD COLUMN ai_stage text CHECK (ai_stage IN ('unqualified', 'engaged', 'qualified')),
            ADD COLUMN ai_bant_updated_at timestamptz;
        """

    /// The text inside an inbound image or document, read once its file is here (job
    /// `read_media_text`): what was read and how, or why it could not be. Full-text search reads
    /// it beside the message's own text, so the generated column is made again.
    static let v6 = """
        ALTER TABLE whatsapp_messages
            ADD COLUMN media_text text,
            ADD COLUMN media_text_source text CHECK (media_text_source IN ('pdf_text', 'ocr', 'plain_text')),
            ADD COLUMN media_text_error text,
            ADD COLUMN media_text_read_at timestamptz;
        DROP INDEX IF EXISTS whatsapp_messages_search;
        ALTER TABLE whatsapp_messages DROP COLUMN search_text;
        ALTER TABLE whatsapp_messages ADD COLUMN search_text tsvector
            GENERATED ALWAYS AS (to_tsvector('simple', coalesce(text, '') || ' ' || coalesce(media_text, ''))) STORED;
        CREATE INDEX whatsapp_messages_search ON whatsapp_messages USING gin (search_text);
        CREATE INDEX whatsapp_messages_media ON whatsapp_messages (organization_id, media_id)
            WHERE media_id IS NOT NULL;
        """

    /// Each organization's LLM endpoint (its key sealed like access tokens) and budget, and what
    /// its calls used per day.
    static let v7 = """
        CREATE TABLE assist_settings (
            organization_id         uuid PRIMARY KEY REFERENCES organizations(id) ON DELETE CASCADE,
            preset                  text,
            base_url                text NOT NULL CHECK (base_url ~ '^https?://'),
            model                   text NOT NULL CHECK (length(model) BETWEEN 1 AND 200),
            api_key_enc             bytea,
            input_cost_per_million  double precision NOT NULL DEFAULT 0 CHECK (input_cost_per_million >= 0),
            output_cost_per_million double precision NOT NULL DEFAULT 0 CHECK (output_cost_per_million >= 0),
            daily_token_budget      bigint CHECK (daily_token_budget >= 0),
            updated_at              timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE assist_usage (
            organization_id   uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
            day               date NOT NULL,
            prompt_tokens     bigint NOT NULL DEFAULT 0,
            completion_tokens bigint NOT NULL DEFAULT 0,
            calls             integer NOT NULL DEFAULT 0,
            fallbacks         integer NOT NULL DEFAULT 0,
            cost_usd          double precision NOT NULL DEFAULT 0,
            PRIMARY KEY (organization_id, day)
        );
        """

    /// Each thread's rolling summary, one row per version: the messages it covers and the
    /// document, so "what is new since version N" has N to compare with.
    static let v8 = """
        CREATE TABLE thread_summaries (
            organization_id  uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
            thread_id        uuid NOT NULL REFERENCES whatsapp_threads(id) ON DELETE CASCADE,
            version          integer NOT NULL CHECK (version > 0),
            last_message_id  uuid NOT NULL,
            last_message_at  timestamptz NOT NULL,
            message_count    integer NOT NULL,
            language         text NOT NULL,
            document         jsonb NOT NULL,
            created_at       timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (thread_id, version)
        );
        CREATE INDEX thread_summaries_organization ON thread_summaries (organization_id, created_at);
        -- Finds a thread's waiting refresh (JobQueue.enqueueOnce).
        CREATE INDEX jobs_waiting_ref ON jobs (kind, ref_uuid) WHERE state = 'queued' AND ref_uuid IS NOT NULL;
        """

    /// Each organization's knowledge snippets, with the embedding of their title and body (when an
    /// embedder is configured) and their words, for retrieval by meaning and by words.
    static let v9 = """
        CREATE TABLE knowledge_snippets (
            id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
            kind            text NOT NULL CHECK (kind IN ('pricing', 'objection', 'faq', 'policy', 'other')),
            language        text NOT NULL CHECK (language ~ '^[a-z]{2}$'),
            title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
            body            text NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
            tags            text[] NOT NULL DEFAULT '{}',
            embedding       vector(384),
            embedding_model text,
            search_text     tsvector GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || body)) STORED,
            created_at      timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX knowledge_snippets_organization ON knowledge_snippets (organization_id, kind, language);
        CREATE INDEX knowledge_snippets_search ON knowledge_snippets USING gin (search_text);
        """

    /// Every draft shown to a rep, and whether a send used it: as it was, edited, or (no
    /// outcome) not at all: the "AI suggestions used" KPI reads this.
    static let v10 = """
        CREATE TABLE reply_drafts (
            id                uuid PRIMARY KEY,
            organization_id   uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
            thread_id         uuid NOT NULL REFERENCES whatsapp_threads(id) ON DELETE CASCADE,
            method            text NOT NULL,
            mode              text NOT NULL CHECK (mode IN ('session', 'template')),
            language          text NOT NULL,
            text              text NOT NULL,
            template_name     text,
            template_language text,
            parameters        jsonb NOT NULL DEFAULT '[]',
            sources           jsonb NOT NULL DEFAULT '[]',
            created_at        timestamptz NOT NULL DEFAULT now(),
            outcome           text CHECK (outcome IN ('as_is', 'edited')),
            outbox_message_id uuid,
            used_at           timestamptz
        );
        CREATE INDEX reply_drafts_thread ON reply_drafts (thread_id, created_at);
        CREATE INDEX reply_drafts_organization ON reply_drafts (organization_id, created_at);
        """
}
