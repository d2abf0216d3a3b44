-- CreateTable
CREATE TABLE "ChannelBinding" (
    "id" UUID NOT NULL,
    "platform" "Platform" NOT NULL,
    "tenantId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "accountId" UUID NOT NULL,
    "boundById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ChannelBinding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IdentityClaim" (
    "id" UUID NOT NULL,
    "platform" "Platform" NOT NULL,
    "tenantId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "channelId" TEXT NOT NULL,
    "accountId" UUID NOT NULL,
    "personId" UUID,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "codeSealed" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "note" TEXT,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "decidedAt" TIMESTAMPTZ(3),
    "decidedById" UUID,

    CONSTRAINT "IdentityClaim_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ChannelBinding_accountId_idx" ON "ChannelBinding"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "ChannelBinding_platform_channelId_key" ON "ChannelBinding"("platform", "channelId");

-- CreateIndex
CREATE INDEX "IdentityClaim_platform_tenantId_userId_idx" ON "IdentityClaim"("platform", "tenantId", "userId");

-- CreateIndex
CREATE INDEX "IdentityClaim_personId_createdAt_idx" ON "IdentityClaim"("personId", "createdAt");

-- AddForeignKey
ALTER TABLE "ChannelBinding" ADD CONSTRAINT "ChannelBinding_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

