-- CreateTable
CREATE TABLE "WorkspaceLink" (
    "id" UUID NOT NULL,
    "platform" "Platform" NOT NULL,
    "tenantId" TEXT NOT NULL,
    "accountId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "WorkspaceLink_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SlackInstallation" (
    "id" UUID NOT NULL,
    "installKey" TEXT NOT NULL,
    "teamId" TEXT,
    "enterpriseId" TEXT,
    "orgInstall" BOOLEAN NOT NULL DEFAULT false,
    "appId" TEXT,
    "botUserId" TEXT,
    "botId" TEXT,
    "botScopes" TEXT[],
    "installerUserId" TEXT,
    "botTokenExpiresAt" TIMESTAMPTZ(3),
    "secretsSealed" TEXT NOT NULL,
    "installedAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "removedAt" TIMESTAMPTZ(3),

    CONSTRAINT "SlackInstallation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "WorkspaceLink_accountId_idx" ON "WorkspaceLink"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "WorkspaceLink_platform_tenantId_accountId_key" ON "WorkspaceLink"("platform", "tenantId", "accountId");

-- CreateIndex
CREATE UNIQUE INDEX "SlackInstallation_installKey_key" ON "SlackInstallation"("installKey");

-- CreateIndex
CREATE INDEX "SlackInstallation_teamId_idx" ON "SlackInstallation"("teamId");

-- CreateIndex
CREATE INDEX "SlackInstallation_enterpriseId_idx" ON "SlackInstallation"("enterpriseId");

-- AddForeignKey
ALTER TABLE "WorkspaceLink" ADD CONSTRAINT "WorkspaceLink_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

