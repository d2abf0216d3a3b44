-- CreateTable
CREATE TABLE "SatisfactionSurvey" (
    "caseId" UUID NOT NULL,
    "contactId" UUID NOT NULL,
    "engineerId" UUID,
    "accountId" UUID NOT NULL,
    "severity" "Severity" NOT NULL,
    "askedAt" TIMESTAMPTZ(3) NOT NULL,
    "score" INTEGER,
    "comment" TEXT,
    "answeredVia" TEXT,
    "answeredAt" TIMESTAMPTZ(3),
    "answerCount" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SatisfactionSurvey_pkey" PRIMARY KEY ("caseId")
);

-- CreateTable
CREATE TABLE "WeeklySummary" (
    "week" TEXT NOT NULL,
    "claimedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "WeeklySummary_pkey" PRIMARY KEY ("week")
);

-- CreateIndex
CREATE INDEX "SatisfactionSurvey_answeredAt_idx" ON "SatisfactionSurvey"("answeredAt");

-- AddForeignKey
ALTER TABLE "SatisfactionSurvey" ADD CONSTRAINT "SatisfactionSurvey_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- A score is 1 to 5 (the core checks it too).
ALTER TABLE "SatisfactionSurvey" ADD CONSTRAINT "SatisfactionSurvey_score_check" CHECK ("score" BETWEEN 1 AND 5);
