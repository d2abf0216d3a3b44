-- AlterTable
ALTER TABLE "SlackInstallation" ADD COLUMN     "refreshingUntil" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "SlackGridWorkspace" (
    "teamId" TEXT NOT NULL,
    "enterpriseId" TEXT NOT NULL,
    "seenAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SlackGridWorkspace_pkey" PRIMARY KEY ("teamId")
);

-- CreateIndex
CREATE INDEX "SlackGridWorkspace_enterpriseId_idx" ON "SlackGridWorkspace"("enterpriseId");

