// Memory around the selected frame's stack pointer, or at any address or symbol typed in the
// address box: words with the functions they point into. Reads off the GUI thread.
#pragma once

#include "memory_model.h"
#include "model/session.h"

#include <QWidget>

#include <memory>

class QLabel;
class QLineEdit;
class QTreeView;

namespace panicscope::gui {

class MemoryView : public QWidget {
    Q_OBJECT
  public:
    explicit MemoryView(QWidget* parent = nullptr);
    void setSession(std::shared_ptr<const model::Session> session);
    // The words around `address`, which is marked `label`.
    void showAround(uint64_t address, const QString& label);
    const MemoryModel& model() const { return *model_; }

  signals:
    void loaded();

  private:
    struct Words;
    void go();
    void request(uint64_t start, std::optional<uint64_t> mark, const QString& label);

    std::shared_ptr<const model::Session> session_;
    MemoryModel* model_;
    QTreeView* view_;
    QLineEdit* address_;
    QLabel* status_;
    uint64_t generation_ = 0;
};

} // namespace panicscope::gui
