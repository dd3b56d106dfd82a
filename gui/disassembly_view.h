// The disassembly of the selected frame's function, its executing instruction marked (for a
// return address: the call before it), call and jump targets named and clickable, source lines
// interleaved when the source root has the file. Loads off the GUI thread.
#pragma once

#include "disassembly_model.h"
#include "model/session.h"

#include <QWidget>

#include <memory>
#include <vector>

class QLabel;
class QToolButton;
class QTreeView;

namespace panicscope::gui {

class SourceFiles;

class DisassemblyView : public QWidget {
    Q_OBJECT
  public:
    DisassemblyView(std::shared_ptr<SourceFiles> sources, QWidget* parent = nullptr);
    void setSession(std::shared_ptr<const model::Session> session);
    // The function `frame` is executing, its instruction marked.
    void showFrame(const unwind::Frame& frame);
    // The function containing `address`, the instruction there marked; `remember`: Back returns
    // to what is shown now.
    void showAddress(uint64_t address, bool remember);
    void reload(); // after the source root changed
    void clear();

    const DisassemblyModel& model() const { return *model_; }
    QString title() const;
    QTreeView* view() const { return view_; }

  signals:
    void loaded();                                       // a listing (or its error) is shown
    void sourceRequested(const QString& file, int line); // a row with a source line was chosen

  private:
    struct Listing;
    void request(uint64_t query, std::optional<uint64_t> highlight);
    void show(const Listing& listing);
    void activate(const QModelIndex& index);
    void back();

    std::shared_ptr<SourceFiles> sources_;
    std::shared_ptr<const model::Session> session_;
    DisassemblyModel* model_;
    QTreeView* view_;
    QLabel* title_;
    QToolButton* back_;
    uint64_t generation_ = 0; // drops the results of requests overtaken by newer ones
    struct Place {
        uint64_t query;
        std::optional<uint64_t> highlight;
    };
    std::optional<Place> shown_;
    std::vector<Place> history_;
};

} // namespace panicscope::gui
