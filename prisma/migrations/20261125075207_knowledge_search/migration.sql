-- AlterTable
ALTER TABLE "KnowledgeArticle" ADD COLUMN     "answeredCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "searchVector" tsvector;

-- CreateTable
CREATE TABLE "KnowledgeAnswer" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "query" TEXT NOT NULL,
    "personId" UUID,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "KnowledgeAnswer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "KnowledgeAnswer_slug_idx" ON "KnowledgeAnswer"("slug");


-- Hand-written: the full-text index.
CREATE INDEX "KnowledgeArticle_searchVector_idx" ON "KnowledgeArticle" USING GIN ("searchVector");
