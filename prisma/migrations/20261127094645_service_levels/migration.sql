-- AlterTable
ALTER TABLE "Case" ADD COLUMN     "firstRespondedAt" TIMESTAMPTZ(3),
ADD COLUMN     "firstResponseDueAt" TIMESTAMPTZ(3),
ADD COLUMN     "firstResponseWarnAt" TIMESTAMPTZ(3),
ADD COLUMN     "nextUpdateDueAt" TIMESTAMPTZ(3),
ADD COLUMN     "nextUpdateFrom" TIMESTAMPTZ(3),
ADD COLUMN     "nextUpdateKind" TEXT,
ADD COLUMN     "nextUpdateWarnAt" TIMESTAMPTZ(3),
ADD COLUMN     "slaCheckAt" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "SlaAlert" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "clock" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "dueAt" TIMESTAMPTZ(3) NOT NULL,
    "promise" TEXT,
    "severity" "Severity" NOT NULL,
    "accountId" UUID NOT NULL,
    "route" TEXT NOT NULL,
    "sent" BOOLEAN NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SlaAlert_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SlaAlert_stage_at_idx" ON "SlaAlert"("stage", "at");

-- CreateIndex
CREATE UNIQUE INDEX "SlaAlert_caseId_clock_stage_dueAt_key" ON "SlaAlert"("caseId", "clock", "stage", "dueAt");

-- CreateIndex
CREATE INDEX "Case_slaCheckAt_idx" ON "Case"("slaCheckAt");

-- AddForeignKey
ALTER TABLE "SlaAlert" ADD CONSTRAINT "SlaAlert_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

