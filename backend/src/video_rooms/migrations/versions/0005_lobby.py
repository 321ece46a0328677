"""the lobby: a per-room setting and the requests to join waiting in it

Revision ID: 0005_lobby
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_lobby"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rooms") as batch:
        batch.add_column(
            sa.Column("lobby_enabled", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "lobby_requests",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "room_id", sa.String(64), sa.ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("participant_id", sa.String(32), nullable=True),
    )
    op.create_index("ix_lobby_requests_room_id", "lobby_requests", ["room_id"])


def downgrade() -> None:
    op.drop_index("ix_lobby_requests_room_id", table_name="lobby_requests")
    op.drop_table("lobby_requests")
    with op.batch_alter_table("rooms") as batch:
        batch.drop_column("lobby_enabled")
